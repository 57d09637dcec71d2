import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem } from 'node:os';

import type Dockerode from 'dockerode';

/** The machine a run measured, for the report. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly kernel: string;
  readonly node: string;
  readonly dockerd: string;
  readonly dockerApi: string;
  readonly dockerCli: string;
}

/** Describes this machine and the sandbox engine; every field is read, none assumed. */
export async function describeMachine(
  docker: Dockerode,
  cliBinary: string | undefined,
): Promise<MachineInfo> {
  // The typings omit version's options, but dockerode reads `abortSignal` from them.
  const version = await (docker.version as (opts: object) => Promise<Dockerode.DockerVersion>)
    .call(docker, { abortSignal: AbortSignal.timeout(10_000) });
  const cli = cliBinary
    ? spawnSync(cliBinary, ['--version'], { encoding: 'utf8' }).stdout.trim()
    : 'not installed';
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    dockerd: version.Version,
    dockerApi: version.ApiVersion,
    dockerCli: `${cli} (${cliBinary ?? '-'})`,
  };
}
