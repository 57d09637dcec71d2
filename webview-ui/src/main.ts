// Entry of the Operations panel's page.
import './panel.css';
import { acquireApi } from './host/vscodeApi';
import { PanelApp } from './panelApp';
import { registerToolkit } from './toolkit/registerToolkit';

registerToolkit();
const root = document.getElementById('app');
if (root !== null) {
  new PanelApp(root, acquireApi());
}
