import * as assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../../src/engine/model/container';
import { matchesSelector } from '../../../../src/engine/planner/selector/matchesSelector';
import { parseSelector } from '../../../../src/engine/planner/selector/parseSelector';
import { composeContainer, container, NOW_MS } from '../containerFixtures';

function matches(text: string, subject: ContainerSummary): boolean {
  return matchesSelector(parseSelector(text), subject, NOW_MS);
}

describe('matchesSelector', () => {
  const web = container({
    id: 'abc123def456'.padEnd(64, '0'),
    name: 'shop-web-1',
    image: 'registry.local:5000/shop/web:2.1',
    state: 'running',
    labels: { app: 'web', tier: 'front end', empty: '' },
    createdMs: NOW_MS - 3 * 3_600_000,
    host: 'prod-eu',
  });

  it('matches status against any of its alternatives', () => {
    assert.equal(matches('status=exited,running', web), true);
    assert.equal(matches('state=exited,dead', web), false);
  });

  it('matches a label by key alone, by glob value, and by empty value', () => {
    assert.equal(matches('label=app', web), true);
    assert.equal(matches('label=app=w*', web), true);
    assert.equal(matches('label=app=api', web), false);
    // A quoted `=` belongs to the key, so this asks for a label named "tier=front end".
    assert.equal(matches('label="tier=front end"', web), false);
    assert.equal(matches('label=tier="front end"', web), true);
    assert.equal(matches('label=empty=', web), true);
    assert.equal(matches('label=missing,app=web', web), true);
  });

  it('never treats Object.prototype members as labels', () => {
    assert.equal(matches('label=constructor', web), false);
    assert.equal(matches('label=__proto__', web), false);
    assert.equal(matches('label=toString=*', web), false);
  });

  it('matches project and service from the compose labels, and never without them', () => {
    const api = composeContainer('shop', 'api');
    assert.equal(matches('project=sh*', api), true);
    assert.equal(matches('service=api,web', api), true);
    assert.equal(matches('service=db', api), false);
    assert.equal(matches('project=*', web), false);
    assert.equal(matches('!project=*', web), true);
  });

  it('matches an image pattern without a tag on the repository, whatever the tag', () => {
    assert.equal(matches('image=registry.local:5000/shop/*', web), true);
    assert.equal(matches('image=*/web', web), true);
    assert.equal(matches('image=web', web), false);
  });

  it('matches an image pattern with a tag on repository:tag, reading no tag as latest', () => {
    assert.equal(matches('image=*:2.1', web), true);
    assert.equal(matches('image=*:2.?', web), true);
    assert.equal(matches('image=*:1.2', web), false);

    const untagged = container({ name: 'a', image: 'nginx' });
    assert.equal(matches('image=nginx:latest', untagged), true);
    assert.equal(matches('image=nginx', untagged), true);
    assert.equal(matches('image=*:1.2', untagged), false);
  });

  it('matches digests and bare image ids on the whole reference', () => {
    const pinned = container({ name: 'a', image: 'nginx@sha256:0123abcd' });
    assert.equal(matches('image=nginx', pinned), true);
    assert.equal(matches('image=nginx@sha256:0123*', pinned), true);
    assert.equal(matches('image=nginx:latest', pinned), false);

    const orphan = container({ name: 'b', image: `sha256:${'ab'.repeat(32)}` });
    assert.equal(matches('image=sha256:abab*', orphan), true);
  });

  it('matches name globs case-sensitively and as whole strings', () => {
    assert.equal(matches('name=shop-*', web), true);
    assert.equal(matches('name=shop-web-?', web), true);
    assert.equal(matches('name=Shop-*', web), false);
    assert.equal(matches('name=web', web), false);
    assert.equal(matches('shop-web-1', web), true);
  });

  it('matches a name regex anywhere in the name, honouring its flags', () => {
    assert.equal(matches('name=/web/', web), true);
    assert.equal(matches('name=/^web/', web), false);
    assert.equal(matches('name=/WEB-\\d$/i', web), true);
  });

  it('answers a regex the same way every time', () => {
    const selector = parseSelector('name=/web/i');
    for (let i = 0; i < 3; i++) {
      assert.equal(matchesSelector(selector, web, NOW_MS), true);
    }
  });

  it('treats an escaped star in a glob as a literal star', () => {
    const starred = container({ name: 'a', labels: { note: 'a*b' } });
    assert.equal(matches('label=note=a\\*b', starred), true);
    assert.equal(matches('label=note=a\\*c', starred), false);
    assert.equal(matches('label=note="a\\\\*b"', starred), true);
  });

  it('matches host globs and id prefixes', () => {
    assert.equal(matches('host=prod-*', web), true);
    assert.equal(matches('host=staging', web), false);
    assert.equal(matches('id=abc123', web), true);
    assert.equal(matches('id=fff,abc1', web), true);
    assert.equal(matches('id=def', web), false);
  });

  it('compares age and creation time strictly', () => {
    assert.equal(matches('age>2h', web), true);
    assert.equal(matches('age>3h', web), false);
    assert.equal(matches('age<3h1s', web), true);
    assert.equal(matches('age<3h', web), false);

    const created = new Date(web.createdMs).toISOString();
    assert.equal(matches(`created<${created}`, web), false);
    assert.equal(matches(`created>${created.slice(0, 10)}`, web), true);
    assert.equal(matches('created<2000-01-01', web), false);
  });

  it('requires every term, and inverts negated ones', () => {
    assert.equal(matches('label=app=web status=running !name=*-canary', web), true);
    const canary = { ...web, name: 'shop-web-canary' };
    assert.equal(matches('label=app=web status=running !name=*-canary', canary), false);
    assert.equal(matches('status=running host=staging', web), false);
  });
});
