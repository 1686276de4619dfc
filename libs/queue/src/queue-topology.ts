import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

import type { WorkerOptions } from 'bullmq';

const PROCESSOR_METADATA = 'bullmq:processor_metadata'; // @nestjs/bullmq's @Processor() key
const WORKER_METADATA = 'bullmq:worker_metadata'; // its worker options, read when workers are registered

/** What is wrong with a set of queues and the queue names of the processors found. */
export function queueTopologyProblems(queues: readonly string[], processorQueues: readonly string[]): string[] {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  for (const q of processorQueues) counts.set(q, (counts.get(q) ?? 0) + 1);
  for (const q of queues) {
    const n = counts.get(q) ?? 0;
    if (n === 0) problems.push(`queue ${q} has no processor`);
    if (n > 1) problems.push(`queue ${q} has ${n} processors`);
  }
  for (const q of counts.keys()) {
    if (!queues.includes(q)) problems.push(`processor for unknown queue ${q}`);
  }
  return problems;
}

export class QueueTopologyError extends Error {
  override name = 'QueueTopologyError';
}

@Injectable()
export class QueueTopology {
  constructor(private readonly discovery: DiscoveryService) {}

  private processors(): Array<{ cls: object; queue: string }> {
    return this.discovery
      .getProviders()
      .map((w) => (w.metatype && !w.inject ? w.metatype : w.instance?.constructor) as object | undefined)
      .flatMap((cls) => {
        const meta = cls ? (Reflect.getMetadata(PROCESSOR_METADATA, cls) as { name?: string } | undefined) : undefined;
        return cls && typeof meta?.name === 'string' ? [{ cls, queue: meta.name }] : [];
      });
  }

  processorQueues(): string[] {
    return this.processors().map((p) => p.queue);
  }

  /**
   * Sets the BullMQ worker options of each queue's processor from the validated config. Must run
   * before the workers are registered (they read these options then).
   */
  configureWorkers(options: (queue: string) => Partial<WorkerOptions>): void {
    for (const { cls, queue } of this.processors()) {
      const current = (Reflect.getMetadata(WORKER_METADATA, cls) as Partial<WorkerOptions> | undefined) ?? {};
      Reflect.defineMetadata(WORKER_METADATA, { ...current, ...options(queue) }, cls);
    }
  }

  /** Throws, naming each problem, unless every queue has exactly one processor. */
  assertValid(queues: readonly string[]): void {
    const problems = queueTopologyProblems(queues, this.processorQueues());
    if (problems.length > 0) throw new QueueTopologyError(`refusing to start: ${problems.join('; ')}`);
  }
}
