import { createFleet, type FleetContainer } from '../scripts/sandbox/fleet';
import { type DockerSandbox, startSandbox } from '../scripts/sandbox/dockerSandbox';
import { DaemonCpuMeter } from './daemonCpuMeter';

/**
 * The throwaway engine the bench measures, with its CPU meter. When a run finds the engine
 * hung (the known dockerd deadlock), `recover` kills and restarts it on the same data, so
 * the containers survive, stopped, and the bench goes on.
 */
export class BenchSandbox {
  private restartCount = 0;

  private constructor(
    readonly sandbox: DockerSandbox,
    readonly cpu: DaemonCpuMeter,
  ) {}

  /** Starts dockerd in a private root and imports the busybox image. */
  static async start(): Promise<BenchSandbox> {
    const sandbox = await startSandbox({ name: 'bench' });
    const cpu = new DaemonCpuMeter(sandbox.rootDir);
    cpu.attach();
    return new BenchSandbox(sandbox, cpu);
  }

  /** Times the engine had to be restarted. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Creates `count` containers named `<prefix>-NNNN`, half of them ignoring SIGTERM. */
  createFleet(prefix: string, count: number, signal: AbortSignal): Promise<FleetContainer[]> {
    return createFleet(this.sandbox.docker, {
      count,
      image: this.sandbox.imageRef,
      prefix,
      runLabel: prefix,
      signal,
    });
  }

  /** Kills the hung dockerd and starts it again; running containers end up stopped. */
  async recover(): Promise<void> {
    this.restartCount++;
    this.sandbox.kill('SIGKILL');
    await this.sandbox.restart();
    this.cpu.attach();
  }

  /** Removes every container, stops the engine and deletes its files. */
  async stop(): Promise<void> {
    await this.sandbox.stop();
    this.cpu.dispose();
  }
}
