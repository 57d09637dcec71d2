import * as vscode from 'vscode';

import type { ContainerState, ContainerSummary } from '../../engine/model/container';
import type { GroupBy } from '../settings/stevedoreSettings';
import type { ContainerNode, GroupNode, HostNode } from './treeNodes';

const STATE_ICONS: Readonly<Record<ContainerState, [icon: string, color?: string]>> = {
  running: ['vm-running', 'charts.green'],
  restarting: ['sync', 'charts.blue'],
  paused: ['debug-pause', 'charts.yellow'],
  created: ['circle-large-outline'],
  exited: ['vm-outline', 'disabledForeground'],
  removing: ['trash', 'charts.orange'],
  dead: ['error', 'errorForeground'],
};

/** The icon of a state, colored so running, paused and dead read apart at a glance. */
export function stateIcon(state: ContainerState): vscode.ThemeIcon {
  const [icon, color] = STATE_ICONS[state];
  return new vscode.ThemeIcon(icon, color === undefined ? undefined : new vscode.ThemeColor(color));
}

/** The `viewItem` value menus test, such as `container.running`. */
export function containerContextValue(state: ContainerState): string {
  return `container.${state}`;
}

/** How one container shows: its name, then image and status. No tooltip until hovered. */
export function containerTreeItem(node: ContainerNode): vscode.TreeItem {
  const c = node.container;
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = `${c.image} · ${c.status}`;
  item.iconPath = stateIcon(c.state);
  item.contextValue = containerContextValue(c.state);
  item.accessibilityInformation = { label: `${c.name}, ${c.state}, image ${c.image}` };
  return item;
}

/** How a group shows: its name and its counts. */
export function groupTreeItem(node: GroupNode, groupBy: GroupBy): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  const total = node.children.length;
  item.description = groupBy === 'state' ? `${total}` : `${total} · ${node.running} running`;
  item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[groupBy]);
  item.contextValue = 'group';
  item.tooltip = `${node.label}: ${total} containers, ${node.running} running`;
  return item;
}

/**
 * How an engine shows when several are active: its name, its counts, or that it does not
 * answer. An answering engine takes the group menus, so a bulk action can target it whole.
 */
export function hostTreeItem(node: HostNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = node.id;
  const counts = `${node.total} · ${node.running} running`;
  if (node.answering === false) {
    item.description = 'not answering';
    item.iconPath = new vscode.ThemeIcon('debug-disconnect',
      new vscode.ThemeColor('errorForeground'));
    item.contextValue = 'host.unreachable';
  } else {
    item.description = node.answering === undefined ? 'connecting…' : counts;
    item.iconPath = new vscode.ThemeIcon('server');
    item.contextValue = 'group';
  }
  const address = node.label === node.host ? '' : ` (${node.host})`;
  item.tooltip = node.answering === false
    ? `${node.label}${address}: ${node.problem ?? 'not answering'}`
    : `${node.label}${address}: ${node.total} containers, ${node.running} running`;
  return item;
}

const GROUP_ICONS: Readonly<Record<GroupBy, string>> = {
  project: 'layers',
  state: 'symbol-enum',
  image: 'package',
  host: 'server',
};

// Labels are set by whoever created the container: show a bounded number, each bounded.
const MAX_LABELS = 40;
const MAX_TEXT = 300;

/**
 * The hover of a container: id, state, image, creation time and labels. Every piece of
 * text the container controls goes through `appendText`, which escapes Markdown, and the
 * string is not trusted, so a label can neither run a command nor inject HTML.
 */
export function containerTooltip(c: ContainerSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;

  md.appendMarkdown('**');
  md.appendText(clip(c.name));
  md.appendMarkdown('**\n\n');
  line(md, 'ID', c.id);
  line(md, 'State', `${c.state} (${clip(c.status)})`);
  line(md, 'Image', clip(c.image));
  line(md, 'Created', new Date(c.createdMs).toLocaleString());
  line(md, 'Engine', c.host);

  const labels = Object.entries(c.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (labels.length > 0) {
    md.appendMarkdown('\n\n**Labels**\n\n');
    for (const [key, value] of labels.slice(0, MAX_LABELS)) {
      md.appendMarkdown('- ');
      md.appendText(`${clip(key)}=${clip(value)}`.replace(/[\r\n]+/g, ' '));
      md.appendMarkdown('\n');
    }
    if (labels.length > MAX_LABELS) {
      md.appendMarkdown(`- … ${labels.length - MAX_LABELS} more\n`);
    }
  }
  return md;
}

function line(md: vscode.MarkdownString, name: string, value: string): void {
  md.appendMarkdown(`${name}: `);
  md.appendText(value.replace(/[\r\n]+/g, ' '));
  md.appendMarkdown('  \n');
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
