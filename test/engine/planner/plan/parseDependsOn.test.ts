import * as assert from 'node:assert/strict';
import { parseDependsOn } from '../../../../src/engine/planner/plan/parseDependsOn';

describe('parseDependsOn', () => {
  it('reads the service names from compose entries of service:condition:required', () => {
    assert.deepEqual(parseDependsOn('db:service_started:false,cache:service_healthy:true'), [
      'db',
      'cache',
    ]);
  });

  it('reads bare names from older compose versions, trimming and dropping repeats', () => {
    assert.deepEqual(parseDependsOn(' db , cache,db,, '), ['db', 'cache']);
  });

  it('reads nothing from a missing or empty label', () => {
    assert.deepEqual(parseDependsOn(undefined), []);
    assert.deepEqual(parseDependsOn(''), []);
  });
});
