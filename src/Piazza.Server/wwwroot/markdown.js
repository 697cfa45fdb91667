// Formatting (issue 15): a message's text is plain Markdown on the wire; the page shows a safe subset of it. The
// vendored markdown-it parses (html:false, and every rule outside the subset disabled), then markdownTree() turns its
// TOKENS into a small tree of { tag, cls, href, children } and strings, which buildNodes() makes into DOM nodes with
// createElement and text nodes. markdown-it's own HTML output is never used, so nothing from a message reaches
// innerHTML: '<img onerror>' stays text, and only http(s)/mailto links become links.
import markdownit from './vendor/markdown-it.min.js';

/** Deeper than this (quotes in lists in quotes…) and the message is shown as plain text instead: no node is dropped. */
export const MAX_NESTING = 20;

/** Links only to these: `[x](javascript:…)`, `data:`, relative paths and the rest stay text. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** What markdown-it parses beyond the subset: these stay text (no headings, rules, tables, images, HTML, references). */
const UNSUPPORTED = ['heading', 'lheading', 'hr', 'table', 'code', 'reference', 'html_block', 'html_inline', 'image', 'entity'];

/** Container tokens shown as elements; any other (none is expected) keeps its content without an element. */
const CONTAINERS = { paragraph: 'p', blockquote: 'blockquote', bullet_list: 'ul', ordered_list: 'ol', list_item: 'li', strong: 'strong', em: 'em', s: 's', link: 'a' };

/** The page's parser: a chat's Markdown, where a single line break stays a line break. */
export function createParser() {
  const md = markdownit({ html: false, linkify: true, breaks: true, typographer: false, maxNesting: MAX_NESTING });
  md.disable(UNSUPPORTED);
  // Bare "example.com" is not a link (people write names like that); http(s) URLs and e-mail addresses are.
  md.linkify.set({ fuzzyLink: false, fuzzyIP: false, fuzzyEmail: true });
  md.validateLink = (url) => safeHref(url) !== null;
  return md;
}

/** The URL when it is an absolute http(s) or mailto URL, else null. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

let parser = null;

/**
 * The tree shown for `text`: a list of nodes, each a string (text) or { tag, cls?, href?, children }. Tags are only
 * p, blockquote, ul, ol (with `start`), li, strong, em, s, a (safe href), code, pre and br.
 */
export function markdownTree(text, md = parser ??= createParser()) {
  let tokens;
  try {
    tokens = md.parse(String(text ?? ''), {});
  } catch {
    return plainTree(text);
  }
  // markdown-it stops parsing blocks at its nesting limit (what is deeper would be lost): show the text as it is.
  if (tokens.some((t) => t.level >= MAX_NESTING - 1)) return plainTree(text);
  const root = { tag: null, children: [] };
  const stack = [root];
  walk(tokens, stack);
  return root.children;
}

/** The text as typed, its line breaks kept: the fallback when the Markdown is too deep to show. */
export function plainTree(text) {
  const nodes = [];
  String(text ?? '').split('\n').forEach((line, i) => {
    if (i > 0) nodes.push({ tag: 'br', children: [] });
    if (line) nodes.push(line);
  });
  return nodes;
}

function walk(tokens, stack) {
  for (const token of tokens) {
    const top = stack[stack.length - 1];
    if (token.nesting === 1) {
      // Emphasis is paired after parsing, past markdown-it's limit: deeper than ours, a container shows no element.
      stack.push(stack.length > MAX_NESTING ? top : open(token, top));
    } else if (token.nesting === -1) {
      if (stack.length > 1) stack.pop();
    } else if (token.type === 'inline') {
      walk(token.children ?? [], stack);
    } else {
      leaf(token, top);
    }
  }
}

/** The node a container token opens (added to its parent), or the parent itself when it shows no element. */
function open(token, parent) {
  const kind = token.type.replace(/_open$/, '');
  let tag = CONTAINERS[kind];
  // A tight list's paragraphs are hidden: their text sits in the list item directly.
  if (!tag || (kind === 'paragraph' && token.hidden)) return parent;
  const node = { tag, children: [] };
  if (tag === 'a') {
    const href = safeHref(token.attrGet('href') ?? '');
    if (!href) return parent;
    node.href = href;
    node.cls = 'link';
  }
  if (tag === 'ol') {
    const start = Number(token.attrGet('start') ?? 1);
    if (Number.isSafeInteger(start) && start !== 1) node.start = start;
  }
  parent.children.push(node);
  return node;
}

function leaf(token, parent) {
  switch (token.type) {
    case 'text':
    case 'text_special':
      if (token.content) appendString(parent, token.content);
      return;
    case 'softbreak':
    case 'hardbreak':
      parent.children.push({ tag: 'br', children: [] });
      return;
    case 'code_inline':
      parent.children.push({ tag: 'code', cls: 'code', children: [token.content] });
      return;
    case 'fence':
    case 'code_block':
      parent.children.push({ tag: 'pre', cls: 'code-block', children: [{ tag: 'code', children: [token.content.replace(/\n$/, '')] }] });
      return;
    default:
      // Anything else markdown-it may emit shows what was typed, as text.
      if (token.content) appendString(parent, token.content);
  }
}

function appendString(parent, text) {
  const last = parent.children.length - 1;
  if (last >= 0 && typeof parent.children[last] === 'string') parent.children[last] += text;
  else parent.children.push(text);
}

/** Appends `tree` under `parent` as DOM nodes, through createElement and text nodes only. */
export function buildNodes(parent, tree, doc = parent.ownerDocument) {
  for (const node of tree) {
    if (typeof node === 'string') {
      parent.append(doc.createTextNode(node));
      continue;
    }
    const element = doc.createElement(node.tag);
    if (node.cls) element.className = node.cls;
    if (node.tag === 'a') {
      element.href = node.href;
      element.target = '_blank';
      element.rel = 'noopener noreferrer';
    }
    if (node.start !== undefined) element.start = node.start;
    buildNodes(element, node.children, doc);
    parent.append(element);
  }
}

/** The page's text renderer (message-parts.js setTextRenderer): the message's Markdown as nodes under `parent`. */
export function renderMarkdown(parent, text) {
  parent.classList.add('md');
  buildNodes(parent, markdownTree(text));
}
