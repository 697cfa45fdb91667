// Formatting (issue 15): the Markdown subset a message shows, from markdown-it's tokens to a tree of tags and text
// (src/Piazza.Server/wwwroot/markdown.js), and that tree built into nodes through createElement and text nodes only.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { markdownTree, buildNodes, safeHref, MAX_NESTING } from '../../src/Piazza.Server/wwwroot/markdown.js';

/** The tree as compact markup, for readable expectations: tags with their href/start, text as is. */
function markup(nodes) {
  return nodes.map((n) => {
    if (typeof n === 'string') return n;
    if (n.tag === 'br') return '<br>';
    const attrs = (n.href ? ` href="${n.href}"` : '') + (n.start !== undefined ? ` start=${n.start}` : '');
    return `<${n.tag}${attrs}>${markup(n.children)}</${n.tag}>`;
  }).join('');
}

const render = (text) => markup(markdownTree(text));
const depth = (nodes) => Math.max(0, ...nodes.map((n) => (typeof n === 'string' ? 0 : 1 + depth(n.children))));
const textOf = (nodes) => nodes.map((n) => (typeof n === 'string' ? n : n.tag === 'br' ? '\n' : textOf(n.children))).join('');
const tags = (nodes, found = new Set()) => {
  for (const n of nodes) if (typeof n !== 'string') { found.add(n.tag); tags(n.children, found); }
  return found;
};

describe('markdown', () => {
  test('shows bold, italic, strike and inline code', () => {
    assert.equal(render('**bold** *it* _it_ ~~gone~~ `a < b`'), '<p><strong>bold</strong> <em>it</em> <em>it</em> <s>gone</s> <code>a < b</code></p>');
    assert.equal(markdownTree('`x`')[0].children[0].cls, 'code');
  });

  test('a single line break stays a line break; a blank line starts a paragraph', () => {
    assert.equal(render('one\ntwo\n\nthree'), '<p>one<br>two</p><p>three</p>');
  });

  test('fenced code is a code block, kept as typed and never linkified or formatted', () => {
    const tree = markdownTree('Run:\n```sh\ncurl https://x.org/a **not bold** <b>\n  indented\n```\nafter');
    assert.equal(markup(tree), '<p>Run:</p><pre><code>curl https://x.org/a **not bold** <b>\n  indented</code></pre><p>after</p>');
    assert.equal(tree[1].cls, 'code-block');
  });

  test('block quotes and lists, ordered ones keeping their first number', () => {
    assert.equal(render('> quoted\n> still'), '<blockquote><p>quoted<br>still</p></blockquote>');
    assert.equal(render('- one\n- two'), '<ul><li>one</li><li>two</li></ul>');
    assert.equal(render('1. one\n2. two'), '<ol><li>one</li><li>two</li></ol>');
    assert.equal(render('3. three\n4. four'), '<ol start=3><li>three</li><li>four</li></ol>');
    assert.equal(render('> - a\n> - **b**'), '<blockquote><ul><li>a</li><li><strong>b</strong></li></ul></blockquote>');
  });

  test('bare http(s) URLs, <autolinks>, e-mail addresses and [text](url) become links', () => {
    assert.equal(render('see https://example.org/a?b=1, ok'), '<p>see <a href="https://example.org/a?b=1">https://example.org/a?b=1</a>, ok</p>');
    assert.equal(render('<http://example.org>'), '<p><a href="http://example.org/">http://example.org</a></p>');
    assert.equal(render('[the docs](https://example.org/docs)'), '<p><a href="https://example.org/docs">the docs</a></p>');
    assert.equal(render('mail bob@example.org'), '<p>mail <a href="mailto:bob@example.org">bob@example.org</a></p>');
    assert.equal(render('[write](mailto:bob@example.org)'), '<p><a href="mailto:bob@example.org">write</a></p>');
    assert.equal(render('example.org'), '<p>example.org</p>', 'a bare name is not a link');
  });

  test('a link to anything but http(s) or mailto stays text', () => {
    assert.equal(render('[x](javascript:alert(1))'), '<p>[x](javascript:alert(1))</p>');
    assert.equal(render('[x](JaVaScRiPt:alert(1))'), '<p>[x](JaVaScRiPt:alert(1))</p>');
    assert.equal(render('<javascript:alert(1)>'), '<p><javascript:alert(1)></p>');
    assert.equal(render('[x](data:text/html,<script>alert(1)</script>)'), '<p>[x](data:text/html,<script>alert(1)</script>)</p>');
    assert.equal(render('[x](/relative) [y](ftp://f.org)'), '<p>[x](/relative) [y](ftp://f.org)</p>');
    assert.equal(safeHref('javascript:alert(1)'), null);
    assert.equal(safeHref('https://ok.org'), 'https://ok.org/');
  });

  test('raw HTML is text, and headings, rules, tables, images and entities are not rendered', () => {
    assert.equal(render('<img src=x onerror=alert(1)>'), '<p><img src=x onerror=alert(1)></p>');
    assert.equal(markdownTree('<img src=x onerror=alert(1)>')[0].children[0], '<img src=x onerror=alert(1)>', 'one text node');
    assert.equal(render('<script>alert(1)</script>\n\n<b>hi</b>'), '<p><script>alert(1)</script></p><p><b>hi</b></p>');
    assert.equal(render('# title\n---'), '<p># title<br>---</p>');
    assert.equal(render('| a | b |\n|---|---|\n| 1 | 2 |'), '<p>| a | b |<br>|---|---|<br>| 1 | 2 |</p>');
    assert.equal(render('&amp; &lt;b&gt;'), '<p>&amp; &lt;b&gt;</p>');
    const image = markdownTree('![x](https://example.org/x.png)');
    assert.ok(!tags(image).has('img'));
    assert.equal(textOf(image), '!x');
  });

  test('only the subset\'s tags ever come out, whatever is typed', () => {
    const allowed = new Set(['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a']);
    const soup = '<iframe src=x></iframe> # h\n***\n![i](https://i.org/i.png)\n<div>x</div>\n    indented code\n[r]: https://r.org\n[r]\n'
      + '| t |\n|---|\n**b** _i_ ~~s~~ `c` > q\n> q\n1. o\n- u\n```\nf\n```\n<svg onload=alert(1)>';
    for (const t of tags(markdownTree(soup))) assert.ok(allowed.has(t), `unexpected <${t}>`);
  });

  test('a 10,000-character message renders without throwing and quickly', () => {
    const text = '**bold** _it_ ~~s~~ `c` https://example.org [l](https://l.org) > q\n- item\n'.repeat(200).slice(0, 10_000);
    markdownTree('warm up');
    const started = performance.now();
    const tree = markdownTree(text);
    assert.ok(performance.now() - started < 1000, 'under a second');
    assert.ok(tree.length > 0);
    assert.ok(depth(tree) <= MAX_NESTING + 1);
  });

  test('deep nesting is capped: a hundred quote marks show as text, deep emphasis keeps its text', () => {
    const quotes = markdownTree(`${'>'.repeat(100)} deep`);
    assert.ok(depth(quotes) <= MAX_NESTING + 1);
    assert.equal(textOf(quotes), `${'>'.repeat(100)} deep`, 'nothing is lost');
    const spaced = markdownTree(`${'> '.repeat(100)}deep`);
    assert.ok(textOf(spaced).endsWith('deep'));
    assert.equal(render('>>> three deep'), '<blockquote><blockquote><blockquote><p>three deep</p></blockquote></blockquote></blockquote>');
    const emphasis = markdownTree(`${'*'.repeat(300)}x${'*'.repeat(300)}`);
    assert.ok(depth(emphasis) <= MAX_NESTING + 1, `depth ${depth(emphasis)}`);
    assert.equal(textOf(emphasis), 'x');
    const lists = markdownTree(Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'));
    assert.ok(depth(lists) <= MAX_NESTING + 1);
    assert.ok(textOf(lists).includes('level 59'));
  });

  test('buildNodes makes elements and text nodes only; links open in a new tab without an opener', () => {
    const doc = fakeDocument();
    const parent = doc.createElement('div');
    buildNodes(parent, markdownTree('hi **<b>x</b>** [a](https://a.org)\n```\n<i>\n```'), doc);
    assert.equal(doc.html(parent), '<div><p>hi <strong>&lt;b&gt;x&lt;/b&gt;</strong> <a class="link" href="https://a.org/" target="_blank" rel="noopener noreferrer">a</a></p>'
      + '<pre class="code-block"><code>&lt;i&gt;</code></pre></div>');
    assert.deepEqual(doc.created.sort(), ['a', 'code', 'div', 'p', 'pre', 'strong']);
  });
});

/** Just enough of a document for buildNodes: elements that record what is set on them, and escaped text nodes. */
function fakeDocument() {
  const created = [];
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html = (node) => {
    if (node.text !== undefined) return escape(node.text);
    const attrs = ['className', 'href', 'target', 'rel'].filter((k) => node[k] !== undefined)
      .map((k) => ` ${k === 'className' ? 'class' : k}="${node[k]}"`).join('');
    return `<${node.tag}${attrs}>${node.kids.map(html).join('')}</${node.tag}>`;
  };
  return {
    created,
    html,
    createTextNode: (text) => ({ text }),
    createElement(tag) {
      created.push(tag);
      const kids = [];
      return {
        tag, kids,
        append: (...nodes) => kids.push(...nodes),
        set innerHTML(_) { throw new Error('innerHTML used'); },
      };
    },
  };
}
