import * as vscode from 'vscode';

import type { OperationRecord } from '../../engine/model/operation';

interface OperationItem extends vscode.QuickPickItem {
  readonly record: OperationRecord;
}

/**
 * Picks one operation among `records` (newest first), showing kind, size, status, label
 * and when it ran. Says so and resolves to undefined when there is none to pick.
 */
export async function pickOperation(
  records: readonly OperationRecord[],
  title: string,
  none: string,
): Promise<OperationRecord | undefined> {
  if (records.length === 0) {
    void vscode.window.showInformationMessage(`Stevedore: ${none}`);
    return undefined;
  }

  const items: OperationItem[] = records.map((record) => {
    const failed = record.items.filter((i) => i.state === 'failed').length;
    const when = new Date(record.createdMs).toLocaleString();
    return {
      label: `${record.kind} ${record.items.length} containers`,
      description: `${record.status}${failed > 0 ? ` · ${failed} failed` : ''}`,
      detail: `${record.label ?? ''}${record.label ? ' · ' : ''}${when}`,
      record,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.record;
}
