//! Staff: adding, listing, disabling, resetting a colleague's password, changing one's own.

use std::path::PathBuf;

use acompana::staff::{Role, StaffMember};
use acompana::vault::Vault;
use acompana::{Error, Result};
use clap::Subcommand;

use crate::output::{print, CliError};
use crate::passwords::{new_password, sign_in_password};
use crate::values;

#[derive(Subcommand, Debug)]
pub(crate) enum StaffCommand {
    /// Add a member of staff; her initial password comes from ACOMPANA_NEW_PASSWORD or a prompt.
    Add {
        #[arg(value_name = "USERNAME")]
        username: String,
        #[arg(long, value_parser = values::role())]
        role: Role,
        /// Her name as colleagues know it (default: the username).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// List the staff.
    List,
    /// Disable a member of staff (asks your password again): her key slot is removed and the
    /// vault re-keyed; prints the new recovery code once.
    Disable {
        #[arg(value_name = "USERNAME")]
        username: String,
    },
    /// Set a new password for a colleague (from ACOMPANA_NEW_PASSWORD or a prompt).
    ResetPassword {
        #[arg(value_name = "USERNAME")]
        username: String,
    },
}

fn find_staff(vault: &Vault, username: &str) -> Result<StaffMember> {
    let username = username.trim().to_lowercase();
    vault
        .staff_list()?
        .into_iter()
        .find(|m| m.username == username)
        .ok_or(Error::StaffNotFound)
}

fn role_name(role: Role) -> &'static str {
    role.as_str()
}

pub(crate) fn staff(
    vault: &mut Vault,
    command: &StaffCommand,
    password_file: &Option<PathBuf>,
    json: bool,
) -> Result<(), CliError> {
    match command {
        StaffCommand::Add {
            username,
            role,
            name,
        } => {
            let password = new_password("Her initial password: ")?;
            let member = vault.staff_add(
                username,
                name.as_deref().unwrap_or(username),
                *role,
                &password,
            )?;
            print(json, &member, |m| {
                format!("Added {} ({}) as {}.", m.username, m.id, role_name(m.role))
            });
        }
        StaffCommand::List => {
            let members = vault.staff_list()?;
            print(json, &members, |members| {
                members
                    .iter()
                    .map(|m| {
                        format!(
                            "{:<20} {:<12} {:<9} {}",
                            m.username,
                            role_name(m.role),
                            if m.active { "active" } else { "disabled" },
                            m.display_name
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        StaffCommand::Disable { username } => {
            let member = find_staff(vault, username)?;
            let password = crate::setup::confirm_password(password_file)?;
            let rekeyed = vault.staff_disable(&member.id, &password)?;
            let done = format!("Disabled {}; her key slot was removed.", member.username);
            crate::setup::print_rekeyed(vault, &rekeyed, &done, json)?;
        }
        StaffCommand::ResetPassword { username } => {
            let member = find_staff(vault, username)?;
            let password = new_password("Her new password: ")?;
            vault.staff_reset_password(&member.id, &password)?;
            if !json {
                println!("New password set for {}.", member.username);
            }
        }
    }
    Ok(())
}

/// `passwd`: the signed-in member of staff changes her own password.
pub(crate) fn passwd(
    vault: &mut Vault,
    password_file: &Option<PathBuf>,
    json: bool,
) -> Result<(), CliError> {
    let current = sign_in_password(password_file, "Current password: ")?;
    let password = new_password("New password: ")?;
    vault.change_password(&current, &password)?;
    if !json {
        println!("Password changed.");
    }
    Ok(())
}
