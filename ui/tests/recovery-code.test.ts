import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import RecoveryCodeView from "../src/views/RecoveryCodeView.vue";
import { byTestId, mountApp } from "./helpers";

const CODE = "K7QF-2M9X-PL4R-8HTD-W3NV";

describe("recovery code screen", () => {
  it("cannot continue until the box is ticked", async () => {
    const wrapper = mountApp(RecoveryCodeView, { props: { code: CODE, orgName: "Mujeres Libres" } });
    expect(wrapper.find(byTestId("recovery-code")).text()).toBe(CODE);

    const button = wrapper.find(byTestId("recovery-continue"));
    expect(button.attributes("disabled")).toBeDefined();
    await wrapper.find("form").trigger("submit");
    expect(wrapper.emitted("done")).toBeUndefined();

    await wrapper.find(byTestId("recovery-confirm")).setValue(true);
    expect(wrapper.find(byTestId("recovery-continue")).attributes("disabled")).toBeUndefined();
    await wrapper.find("form").trigger("submit");
    expect(wrapper.emitted("done")).toHaveLength(1);
    wrapper.unmount();
  });

  it("prints through the browser and never stores the code", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const wrapper = mountApp(RecoveryCodeView, { props: { code: CODE, orgName: "Mujeres Libres" } });
    await wrapper.find(byTestId("recovery-print")).trigger("click");
    expect(print).toHaveBeenCalledOnce();
    expect(wrapper.find(".print-sheet").text()).toContain(CODE);
    expect(wrapper.find(".print-sheet").text()).toContain("Mujeres Libres");
    const stored = [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).map((key) => storage.getItem(key) ?? ""),
    );
    expect(stored.some((value) => value.includes(CODE))).toBe(false);
    wrapper.unmount();
  });
});
