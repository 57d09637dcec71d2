import * as assert from 'node:assert/strict';
import { describeSelector } from '../../../../src/engine/planner/selector/describeSelector';
import { matchesSelector } from '../../../../src/engine/planner/selector/matchesSelector';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import { container, NOW_MS } from '../containerFixtures';

function canonical(text: string): string {
  return describeSelector(parseSelector(text));
}

describe('describeSelector', () => {
  it('writes the state alias and bare words in their canonical form', () => {
    assert.equal(canonical('state=exited,dead web-*'), 'status=exited,dead name=web-*');
  });

  it('writes durations in their shortest form and dates as UTC', () => {
    assert.equal(canonical('age>90m age<172800s'), 'age>1h30m age<2d');
    assert.equal(canonical('created>2026-01-01T00:00'), 'created>2026-01-01');
    assert.equal(canonical('created<2026-01-01T12:00+02:00'), 'created<2026-01-01T10:00');
    assert.equal(canonical('created<2026-01-01T12:00:30.250Z'), 'created<2026-01-01T12:00:30.250');
  });

  it('quotes only values that need it', () => {
    assert.equal(canonical('label="my key"="a, b" name="x"'), 'label="my key"="a, b" name=x');
    assert.equal(canonical('label="a=b"=c'), 'label="a=b"=c');
    assert.equal(canonical('name="say \\"hi\\""'), 'name="say \\"hi\\""');
    assert.equal(canonical('name="/not-a-regex"'), 'name="/not-a-regex"');
    assert.equal(canonical('label=k=""'), 'label=k=""');
  });

  it('keeps regexes, negations and term order as written', () => {
    assert.equal(
      canonical('!name=/a{1,2} b/i  status=running'),
      '!name=/a{1,2} b/i status=running',
    );
  });

  it('writes text that parses back to a selector that matches the same containers', () => {
    const texts = [
      'label=app=web status=running !name=*-canary',
      'label="my key"="a, b" image=*:1.2,nginx host=prod-? id=abc',
      'name=/^w.b$/ created>2026-01-01T06:00 age<3h',
      'project=shop service=web,api name="/odd name"',
    ];
    const containers = [
      container({ name: 'web', labels: { app: 'web' } }),
      container({ name: 'web-canary', labels: { app: 'web' }, state: 'running' }),
      container({ name: '/odd name', host: 'prod-1', image: 'nginx' }),
      container({ name: 'wab', labels: { 'my key': 'a, b' }, createdMs: NOW_MS - 60_000 }),
    ];

    for (const text of texts) {
      const once = canonical(text);
      assert.equal(canonical(once), once, `canonical form of ${text} should be stable`);
      const original = parseSelector(text);
      const reparsed = parseSelector(once);
      for (const subject of containers) {
        assert.equal(
          matchesSelector(reparsed, subject, NOW_MS),
          matchesSelector(original, subject, NOW_MS),
          `${once} and ${text} disagree on ${subject.name}`,
        );
      }
    }
  });
});
