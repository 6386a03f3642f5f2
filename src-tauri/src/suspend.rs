//! Locking when the laptop goes to sleep or its screen is locked, where the desktop announces
//! it over D-Bus: logind's `PrepareForSleep(true)` and a session's `Lock` on the system bus,
//! and the screen savers' `ActiveChanged(true)` on the session bus. A desktop without these
//! (no bus, as under a bare X server) keeps the idle lock, whose clock counts suspend.

use acompana::vault::LockReason;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::{AppState, LockedPayload, LOCKED_EVENT};

/// The signals that mean "lock now": (bus, interface, member, whether its first argument is
/// a boolean that must be true).
const SIGNALS: &[(gio::BusType, &str, &str, bool)] = &[
    (
        gio::BusType::System,
        "org.freedesktop.login1.Manager",
        "PrepareForSleep",
        true,
    ),
    (
        gio::BusType::System,
        "org.freedesktop.login1.Session",
        "Lock",
        false,
    ),
    (
        gio::BusType::Session,
        "org.freedesktop.ScreenSaver",
        "ActiveChanged",
        true,
    ),
    (
        gio::BusType::Session,
        "org.gnome.ScreenSaver",
        "ActiveChanged",
        true,
    ),
    (
        gio::BusType::Session,
        "org.cinnamon.ScreenSaver",
        "ActiveChanged",
        true,
    ),
    (
        gio::BusType::Session,
        "org.mate.ScreenSaver",
        "ActiveChanged",
        true,
    ),
];

/// Whether a signal's parameters mean "lock now".
fn means_lock(parameters: &gio::glib::Variant, needs_true: bool) -> bool {
    !needs_true || parameters.get::<(bool,)>().is_some_and(|(on,)| on)
}

/// Subscribes to the signals on the GTK main loop (call from the app's setup). The bus
/// connections live as long as the app.
pub fn lock_on_sleep_and_screen_lock<R: Runtime>(app: AppHandle<R>) {
    for bus in [gio::BusType::System, gio::BusType::Session] {
        let connection = match gio::bus_get_sync(bus, gio::Cancellable::NONE) {
            Ok(connection) => connection,
            Err(_) => {
                tracing::info!(
                    ?bus,
                    "no D-Bus bus: sleep and screen lock are not watched there"
                );
                continue;
            }
        };
        for &(_, interface, member, needs_true) in SIGNALS.iter().filter(|s| s.0 == bus) {
            let app = app.clone();
            connection.signal_subscribe(
                None,
                Some(interface),
                Some(member),
                None,
                None,
                gio::DBusSignalFlags::NONE,
                move |_, _, _, _, _, parameters| {
                    if means_lock(parameters, needs_true)
                        && app.state::<AppState>().session.lock_for_suspend()
                    {
                        let _ = app.emit(
                            LOCKED_EVENT,
                            LockedPayload {
                                reason: LockReason::Suspend,
                            },
                        );
                    }
                },
            );
        }
        // Keep the connection (and so its subscriptions) for the life of the process.
        std::mem::forget(connection);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_going_to_sleep_or_an_active_screen_saver_locks() {
        use gio::glib::ToVariant;
        assert!(means_lock(&(true,).to_variant(), true));
        assert!(!means_lock(&(false,).to_variant(), true));
        assert!(!means_lock(&("x",).to_variant(), true));
        assert!(means_lock(&().to_variant(), false));
    }
}
