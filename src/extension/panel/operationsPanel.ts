import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelBackend } from './panelBackend';
import { renderPanelHtml } from './panelHtml';
import { PanelSession } from './panelSession';

/** The webview type of the Operations panel, as the serializer and `package.json` name it. */
export const OPERATIONS_VIEW_TYPE = 'stevedore.operations';

const TITLE = 'Stevedore Operations';

/**
 * The one Operations panel: created on first `show`, revealed after, and adopted again when
 * VS Code restores it after a window reload.
 */
export class OperationsPanel implements vscode.Disposable {
  private current: { panel: vscode.WebviewPanel; disposables: vscode.Disposable[] } | undefined;
  private readonly webviewRoot: vscode.Uri;

  constructor(
    extensionUri: vscode.Uri,
    private readonly backend: PanelBackend,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.webviewRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  }

  /** Opens the panel in the active column, or brings the open one forward. */
  show(): void {
    if (this.current !== undefined) {
      this.current.panel.reveal();
      return;
    }

    // Without retained context a hidden panel costs nothing; the page rebuilds itself from
    // one snapshot when shown again.
    const panel = vscode.window.createWebviewPanel(
      OPERATIONS_VIEW_TYPE,
      TITLE,
      vscode.ViewColumn.Active,
      { ...this.webviewOptions(), retainContextWhenHidden: false },
    );
    this.adopt(panel);
  }

  /** Takes over a panel VS Code restored; a second one is closed, as only one is shown. */
  restore(panel: vscode.WebviewPanel): void {
    if (this.current !== undefined) {
      panel.dispose();
      return;
    }
    this.adopt(panel);
  }

  dispose(): void {
    this.current?.panel.dispose();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = this.webviewOptions();
    webview.html = renderPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.webviewRoot, 'panel.css')).toString(),
    });

    const session = new PanelSession(webview, this.backend, this.log);
    const disposables: vscode.Disposable[] = [
      session,
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) {
          session.pause();
        }
      }),
      panel.onDidDispose(() => {
        this.log.debug('[panel] closed');
        for (const disposable of disposables) {
          disposable.dispose();
        }
        this.current = undefined;
      }),
    ];
    this.current = { panel, disposables };
    this.log.debug('[panel] opened');
  }

  private webviewOptions(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [this.webviewRoot] };
  }
}

/**
 * Lets VS Code bring the Operations panel back after a window reload. The page keeps its
 * own selection in webview state, so the serializer needs no saved state of its own.
 */
export function registerOperationsPanelSerializer(
  context: vscode.ExtensionContext,
  operationsPanel: OperationsPanel,
): vscode.Disposable {
  const registration = vscode.window.registerWebviewPanelSerializer(OPERATIONS_VIEW_TYPE, {
    deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      operationsPanel.restore(panel);
      return Promise.resolve();
    },
  });
  context.subscriptions.push(registration);
  return registration;
}
