// PrimeVue's Aura preset, adjusted for WCAG 2.2 AA: darker primary and status text (Aura's
// 500/600 shades fall below 4.5:1 on light backgrounds), field borders at 3:1 or more, and a
// thick focus ring that is easy to see on an old, dim laptop screen.

import Aura from "@primeuix/themes/aura";
import { definePreset } from "@primeuix/themes";

const STATUS = ["info", "success", "warn", "error"] as const;
const STATUS_COLOR: Record<(typeof STATUS)[number], string> = {
  info: "blue",
  success: "green",
  warn: "yellow",
  error: "red",
};

function statusColors(extra: (color: string) => Record<string, unknown> = () => ({})) {
  return Object.fromEntries(
    STATUS.map((status) => {
      const color = STATUS_COLOR[status];
      return [
        status,
        {
          color: `{${color}.800}`,
          borderColor: `{${color}.300}`,
          ...extra(color),
        },
      ];
    }),
  );
}

export const AcompanaPreset = definePreset(Aura, {
  semantic: {
    primary: {
      50: "{violet.50}",
      100: "{violet.100}",
      200: "{violet.200}",
      300: "{violet.300}",
      400: "{violet.400}",
      500: "{violet.500}",
      600: "{violet.600}",
      700: "{violet.700}",
      800: "{violet.800}",
      900: "{violet.900}",
      950: "{violet.950}",
    },
    formField: {
      // Aura draws no ring around a focused field, only a border colour change.
      focusRing: { width: "2px", style: "solid", color: "{primary.color}", offset: "1px", shadow: "none" },
    },
    focusRing: {
      width: "3px",
      style: "solid",
      color: "{violet.700}",
      offset: "2px",
    },
    colorScheme: {
      light: {
        primary: {
          color: "{primary.700}",
          contrastColor: "#ffffff",
          hoverColor: "{primary.800}",
          activeColor: "{primary.900}",
        },
        highlight: {
          background: "{primary.50}",
          focusBackground: "{primary.100}",
          color: "{primary.800}",
          focusColor: "{primary.900}",
        },
        formField: {
          borderColor: "{surface.500}",
          hoverBorderColor: "{surface.700}",
          color: "{surface.900}",
          placeholderColor: "{surface.600}",
          disabledColor: "{surface.600}",
          invalidBorderColor: "{red.700}",
        },
        text: {
          color: "{surface.800}",
          hoverColor: "{surface.900}",
          mutedColor: "{surface.600}",
          hoverMutedColor: "{surface.700}",
        },
      },
    },
  },
  components: {
    button: {
      colorScheme: {
        light: {
          root: {
            secondary: {
              borderColor: "{surface.400}",
              hoverBorderColor: "{surface.500}",
              activeBorderColor: "{surface.600}",
              color: "{surface.700}",
              hoverColor: "{surface.800}",
              activeColor: "{surface.900}",
            },
            danger: {
              background: "{red.700}",
              hoverBackground: "{red.800}",
              activeBackground: "{red.900}",
              borderColor: "{red.700}",
              hoverBorderColor: "{red.800}",
              activeBorderColor: "{red.900}",
              color: "#ffffff",
              hoverColor: "#ffffff",
              activeColor: "#ffffff",
              focusRing: { color: "{red.700}", shadow: "none" },
            },
          },
          text: {
            secondary: { color: "{surface.700}" },
            danger: { color: "{red.700}" },
          },
          outlined: {
            secondary: { borderColor: "{surface.400}", color: "{surface.700}" },
            danger: { borderColor: "{red.600}", color: "{red.700}" },
          },
        },
      },
    },
    message: {
      colorScheme: {
        light: statusColors((color) => ({
          simple: { color: `{${color}.800}` },
          outlined: { color: `{${color}.800}`, borderColor: `{${color}.700}` },
        })),
      },
    },
    toast: {
      colorScheme: {
        light: statusColors(() => ({ detailColor: "{surface.800}" })),
      },
    },
  },
});
