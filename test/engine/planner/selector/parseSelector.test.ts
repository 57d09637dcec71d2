import * as assert from 'node:assert/strict';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import { SELECTOR_HELP } from '../../../../src/engine/planner/selector/selectorHelp';
import {
  isSelectorSyntaxError,
  SelectorSyntaxError,
} from '../../../../src/engine/planner/selector/selectorSyntaxError';
import type { SelectorTerm } from '../../../../src/engine/planner/selector/selectorTypes';

function onlyTerm(text: string): SelectorTerm {
  const selector = parseSelector(text);
  assert.equal(selector.clauses.length, 1);
  return selector.clauses[0]!.term;
}

function syntaxError(text: string): SelectorSyntaxError {
  try {
    parseSelector(text);
  } catch (error) {
    assert.ok(error instanceof SelectorSyntaxError, `expected a SelectorSyntaxError for ${text}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseSelector', () => {
  describe('valid terms', () => {
    it('reads status with alternatives, and state as its alias', () => {
      assert.deepEqual(onlyTerm('status=exited,dead'), {
        type: 'status',
        states: ['exited', 'dead'],
      });
      assert.deepEqual(onlyTerm('state=running'), { type: 'status', states: ['running'] });
    });

    it('reads label as a key alone, a key with a glob value, or a key with an empty value', () => {
      const term = onlyTerm('label=tier,app=web*,note=');
      assert.equal(term.type, 'label');
      assert.deepEqual(
        term.labels.map((l) => [l.key, l.value?.source]),
        [['tier', undefined], ['app', 'web*'], ['note', '']],
      );
    });

    it('reads project, service and host as globs', () => {
      for (const field of ['project', 'service', 'host'] as const) {
        const term = onlyTerm(`${field}=shop-*,blog`);
        assert.equal(term.type, field);
        assert.deepEqual(
          term.patterns.map((p) => [p.kind, p.source]),
          [['glob', 'shop-*'], ['exact', 'blog']],
        );
      }
    });

    it('reads image patterns and decides what each is compared with', () => {
      const term = onlyTerm('image=nginx*,*:1.2,localhost:5000/app,app@sha256:ab');
      assert.equal(term.type, 'image');
      assert.deepEqual(
        term.patterns.map((p) => p.scope),
        ['repository', 'tagged', 'repository', 'reference'],
      );
    });

    it('reads name as a glob or a regex, and a bare word as a name glob', () => {
      const named = onlyTerm('name=web-?,/^api-\\d+$/i');
      assert.equal(named.type, 'name');
      assert.equal(named.patterns[0]!.kind, 'glob');
      const regex = named.patterns[1]!;
      assert.equal(regex.kind, 'regex');
      assert.ok(regex.kind === 'regex' && regex.regex.flags === 'i');
      assert.ok(regex.kind === 'regex' && regex.regex.test('API-12'));

      const bare = onlyTerm('web-1');
      assert.deepEqual(bare, {
        type: 'name',
        patterns: [{ kind: 'exact', source: 'web-1', text: 'web-1' }],
      });
    });

    it('reads id prefixes', () => {
      assert.deepEqual(onlyTerm('id=abc123,def'), { type: 'id', prefixes: ['abc123', 'def'] });
    });

    it('reads age in every unit, combined units included', () => {
      assert.deepEqual(onlyTerm('age>2h'), { type: 'age', operator: '>', ms: 7_200_000 });
      assert.deepEqual(onlyTerm('age<30m'), { type: 'age', operator: '<', ms: 1_800_000 });
      assert.equal((onlyTerm('age>45s') as { ms: number }).ms, 45_000);
      assert.equal((onlyTerm('age>1w2d') as { ms: number }).ms, 9 * 86_400_000);
      assert.equal((onlyTerm('age>1d12h') as { ms: number }).ms, 36 * 3_600_000);
    });

    it('reads created as a UTC date or date-time unless a zone is given', () => {
      assert.deepEqual(onlyTerm('created>2026-01-01'), {
        type: 'created',
        operator: '>',
        ms: Date.UTC(2026, 0, 1),
      });
      assert.equal(
        (onlyTerm('created<2026-01-01T12:00') as { ms: number }).ms,
        Date.UTC(2026, 0, 1, 12),
      );
      assert.equal(
        (onlyTerm('created<2026-01-01T12:00:30.5+02:00') as { ms: number }).ms,
        Date.UTC(2026, 0, 1, 10, 0, 30, 500),
      );
    });

    it('combines terms separated by any whitespace with AND and keeps their columns', () => {
      const selector = parseSelector('  label=app=web\tstatus=running !name=*-canary ');
      assert.deepEqual(
        selector.clauses.map((c) => [c.term.type, c.negated, c.column]),
        [['label', false, 3], ['status', false, 17], ['name', true, 32]],
      );
    });

    it('lets double quotes carry spaces, commas, equals signs and escaped quotes', () => {
      const term = onlyTerm('label="my key"="a, b \\"c\\""');
      assert.ok(term.type === 'label');
      assert.equal(term.labels[0]!.key, 'my key');
      assert.equal(term.labels[0]!.value?.source, 'a, b "c"');

      const keyWithEquals = onlyTerm('label="a=b"=c');
      assert.ok(keyWithEquals.type === 'label');
      assert.deepEqual([keyWithEquals.labels[0]!.key, keyWithEquals.labels[0]!.value?.source], [
        'a=b',
        'c',
      ]);

      assert.deepEqual(onlyTerm('"my app"'), {
        type: 'name',
        patterns: [{ kind: 'exact', source: 'my app', text: 'my app' }],
      });
    });

    it('reads commas and spaces inside a regex without quotes', () => {
      const term = onlyTerm('name=/a{1,3} b/');
      assert.ok(term.type === 'name');
      assert.equal(term.patterns.length, 1);
      assert.ok(term.patterns[0]!.kind === 'regex' && term.patterns[0]!.regex.test('xaa b'));
    });

    it('treats a quoted leading slash as part of a glob, not a regex', () => {
      const term = onlyTerm('name="/x*"');
      assert.ok(term.type === 'name');
      assert.equal(term.patterns[0]!.kind, 'glob');
    });

    it('parses the example from the help text', () => {
      const selector = parseSelector('label=app=web status=running !name=*-canary');
      assert.equal(selector.clauses.length, 3);
      assert.ok(SELECTOR_HELP.includes('label=app=web status=running !name=*-canary'));
    });

    it('documents every term in the help text', () => {
      for (const term of [
        'status=', 'state=', 'label=', 'project=', 'service=', 'image=', 'name=', 'host=',
        'id=', 'age>', 'age<', 'created>', 'created<', '!',
      ]) {
        assert.ok(SELECTOR_HELP.includes(term), `help should mention ${term}`);
      }
    });
  });

  describe('invalid input', () => {
    const cases: readonly (readonly [string, number, string, string])[] = [
      ['status=', 8, 'a value', 'Expected a value after "status=" at column 8'],
      ['', 1, 'a term such as status=running or a container name', ''],
      ['   ', 4, 'a term such as status=running or a container name', ''],
      ['!', 2, 'a term', 'Expected a term after "!" at column 2'],
      ['status=running !', 17, 'a term', ''],
      ['status=running,', 16, 'a value', 'Expected a value after "status=running," at column 16'],
      ['name=a,,b', 8, 'a value', ''],
      [
        'status=exited,deed',
        15,
        'a state (created, running, paused, restarting, removing, exited or dead)',
        'Expected a state (created, running, paused, restarting, removing, exited or dead) ' +
          'at column 15, found "deed"',
      ],
      [
        'stat=x',
        1,
        'a term name (status, state, label, project, service, image, name, host, id, age, created)',
        '',
      ],
      ['age=2h', 4, '">" or "<"', 'Expected ">" or "<" after "age" at column 4, found "="'],
      ['status>running', 7, '"="', 'Expected "=" after "status" at column 7, found ">"'],
      ['age>2x', 5, 'a duration such as 30m, 2h or 1d12h (units s, m, h, d, w)', ''],
      ['age>1.5h', 5, 'a duration such as 30m, 2h or 1d12h (units s, m, h, d, w)', ''],
      ['age>1h,2h', 7, 'one duration, without "," alternatives', ''],
      ['created<2026-02-30', 9, 'a date such as 2026-01-01 or 2026-01-01T12:00', ''],
      ['created>yesterday', 9, 'a date such as 2026-01-01 or 2026-01-01T12:00', ''],
      ['name="abc', 10, 'a closing quote (")', ''],
      ['name=/abc', 10, 'a closing "/"', ''],
      ['name=/a/gx', 9, 'regex flags among i, m, s, u and v', ''],
      ['name=/a/i!', 10, 'a "," or a space after the regex', ''],
      ['label==x', 7, 'a label key', ''],
    ];

    for (const [text, column, expected, message] of cases) {
      it(`rejects ${JSON.stringify(text)} at column ${column}`, () => {
        const error = syntaxError(text);
        assert.equal(error.column, column);
        assert.equal(error.expected, expected);
        if (message !== '') {
          assert.equal(error.message, message);
        }
        assert.ok(isSelectorSyntaxError(error));
      });
    }

    it('rejects an invalid regex at the column where the regex starts, with the reason', () => {
      const error = syntaxError('status=running name=/(/');
      assert.equal(error.column, 21);
      assert.equal(error.expected, 'a valid regular expression');
      assert.match(error.message, /^Expected a valid regular expression at column 21 \(.+\)$/);
    });

    it('names the quote that was never closed', () => {
      assert.equal(
        syntaxError('name="abc').message,
        'Expected a closing quote (") at column 10 (the quote opened at column 6)',
      );
    });
  });
});
