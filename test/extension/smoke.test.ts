// Checks the VS Code that the extension tests run in: the extension is built against the 1.100
// API (engines.vscode ^1.100.0), so a suite running anywhere else would prove little.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('the VS Code hosting the extension tests', () => {
  it('is version 1.100, the API the extension is built against', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('names the application it is running in', () => {
    assert.equal(typeof vscode.env.appName, 'string');
    assert.notEqual(vscode.env.appName.trim(), '');
  });
});
