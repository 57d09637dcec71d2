import * as assert from 'node:assert/strict';
import { compileGlob, matchesText } from '../../../../src/engine/planner/selector/glob';

function globMatches(glob: string, text: string): boolean {
  return matchesText(compileGlob(glob), text);
}

describe('compileGlob', () => {
  it('compiles a glob without wildcards to an exact comparison', () => {
    assert.deepEqual(compileGlob('web-1'), { kind: 'exact', source: 'web-1', text: 'web-1' });
  });

  it('matches * as any run of characters, including none and newlines', () => {
    assert.equal(globMatches('web*', 'web'), true);
    assert.equal(globMatches('web*', 'web-1'), true);
    assert.equal(globMatches('*1', 'line\nweb-1'), true);
    assert.equal(globMatches('a**b', 'ab'), true);
  });

  it('matches ? as exactly one character', () => {
    assert.equal(globMatches('web-?', 'web-1'), true);
    assert.equal(globMatches('web-?', 'web-12'), false);
    assert.equal(globMatches('web-?', 'web-'), false);
  });

  it('matches the whole text, case-sensitively', () => {
    assert.equal(globMatches('web', 'my-web'), false);
    assert.equal(globMatches('Web*', 'web-1'), false);
  });

  it('treats regex characters literally and a backslash as an escape', () => {
    assert.equal(globMatches('a.b+(c)', 'a.b+(c)'), true);
    assert.equal(globMatches('a.b', 'axb'), false);
    assert.equal(globMatches('a\\*', 'a*'), true);
    assert.equal(globMatches('a\\*', 'ab'), false);
    assert.equal(globMatches('a\\?*', 'a?x'), true);
    assert.deepEqual(compileGlob('a\\*'), { kind: 'exact', source: 'a\\*', text: 'a*' });
  });
});
