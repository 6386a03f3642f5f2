// Ayuda: the staff guide (docs/guia-*.md), turned into HTML for the help area. Raw HTML in the
// text stays escaped (html: false), links lose their address so nothing in the guide can take
// the window anywhere, images are not drawn (nothing is loaded from outside), and headings move
// one level down so the area's own title stays the page's only h1.
import MarkdownIt from "markdown-it";
import type { Language } from "./i18n";

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.disable("image");

markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index];
  token.attrs = (token.attrs ?? []).filter(([name]) => name !== "href");
  return self.renderToken(tokens, index, options);
};

const shiftHeading: NonNullable<typeof markdown.renderer.rules.heading_open> = (tokens, index, options, _env, self) => {
  const token = tokens[index];
  const level = Number(token.tag.slice(1));
  if (Number.isInteger(level)) token.tag = `h${Math.min(level + 1, 6)}`;
  return self.renderToken(tokens, index, options);
};
markdown.renderer.rules.heading_open = shiftHeading;
markdown.renderer.rules.heading_close = shiftHeading;

/** The guide's Markdown as HTML, safe to show with v-html. */
export function renderGuide(source: string): string {
  return markdown.render(source);
}

/** Which guide a language reads: Portuguese in Portuguese, Spanish for everyone else. */
export function guideLanguage(language: Language): "es" | "pt" {
  return language === "pt-BR" ? "pt" : "es";
}
