// Entry point of the planner worker thread, bundled as dist/plannerWorker.js. Planning
// 100,000 containers takes long enough to stall the extension host, so it happens here.
import { parentPort } from 'node:worker_threads';
import { PlannerService } from './plannerService';

const port = parentPort;
if (port === null) {
  throw new Error('plannerWorker must be started as a worker thread');
}

const service = new PlannerService((message, transfer) => port.postMessage(message, transfer));
port.on('message', (message: unknown) => service.handle(message));
