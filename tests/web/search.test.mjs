// Full-text search in the web client's state (src/Piazza.Server/wwwroot/search.js): snippets split on the U+0002 and
// U+0003 markers into plain text and matches (no HTML is ever parsed), the request frames, paging with next, refusals
// shown, and answers to an older search dropped.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { SearchModel, snippetParts, MAX_QUERY } from '../../src/Piazza.Server/wwwroot/search.js';

describe('search snippets', () => {
  test('split on the markers into text and matches', () => {
    assert.deepEqual(snippetParts('we \u0002deploy\u0003 on \u0002Friday\u0003'), [
      { text: 'we ', match: false }, { text: 'deploy', match: true }, { text: ' on ', match: false }, { text: 'Friday', match: true },
    ]);
    assert.deepEqual(snippetParts('…at the \u0002Café\u0003…'), [
      { text: '…at the ', match: false }, { text: 'Café', match: true }, { text: '…', match: false },
    ]);
  });

  test('markup stays text and unbalanced markers do not throw', () => {
    assert.deepEqual(snippetParts('<img src=x onerror=alert(1)> \u0002b\u0003'), [
      { text: '<img src=x onerror=alert(1)> ', match: false }, { text: 'b', match: true },
    ]);
    assert.deepEqual(snippetParts('\u0002open'), [{ text: 'open', match: true }]);
    assert.deepEqual(snippetParts(''), []);
    assert.deepEqual(snippetParts(undefined), []);
  });
});

describe('search model', () => {
  test('a search asks for a page, takes results newest first, and pages with next', () => {
    const s = new SearchModel();
    const frame = s.start('  deploy friday ');
    assert.deepEqual(frame, { type: 'search', q: 'deploy friday', limit: 20 });
    assert.equal(s.summary(), 'Searching…');
    s.answered('deploy friday', { type: 'ok', results: [{ seq: 9, room: 'dev', snippet: '\u0002deploy\u0003' }], next: '41' });
    assert.equal(s.results.length, 1);
    assert.match(s.summary(), /^1\+ found/);
    assert.deepEqual(s.more(), { type: 'search', q: 'deploy friday', limit: 20, cursor: '41' });
    assert.equal(s.more(), null, 'one page at a time');
    s.answered('deploy friday', { type: 'ok', results: [{ seq: 2, room: 'dev', snippet: 'x' }] });
    assert.deepEqual(s.results.map((r) => r.seq), [9, 2]);
    assert.equal(s.next, null);
    assert.equal(s.more(), null);
  });

  test('refusals are shown, empty and overlong queries are not sent, old answers are dropped', () => {
    const s = new SearchModel();
    assert.equal(s.start('   '), null);
    assert.equal(s.summary(), 'Type words to search for.');
    assert.equal(s.start('x'.repeat(MAX_QUERY + 1)), null);
    assert.match(s.summary(), /at most 500/);
    s.start('NEAR(');
    s.answered('NEAR(', { type: 'error', code: 'bad_request', message: 'parentheses are not part of the search syntax' });
    assert.equal(s.summary(), 'parentheses are not part of the search syntax');
    s.start('new');
    s.answered('old', { type: 'ok', results: [{ seq: 1 }] });
    assert.equal(s.results.length, 0);
    s.answered('new', { type: 'ok', results: [] });
    assert.equal(s.summary(), 'Nothing found for “new”.');
  });
});
