import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

const PROCESSOR_METADATA = 'bullmq:processor_metadata'; // @nestjs/bullmq's @Processor() key

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

  processorQueues(): string[] {
    return this.discovery
      .getProviders()
      .map((w) => (w.metatype && !w.inject ? w.metatype : w.instance?.constructor) as object | undefined)
      .map((cls) => (cls ? (Reflect.getMetadata(PROCESSOR_METADATA, cls) as { name?: string } | undefined) : undefined))
      .filter((m): m is { name: string } => typeof m?.name === 'string')
      .map((m) => m.name);
  }

  /** Throws, naming each problem, unless every queue has exactly one processor. */
  assertValid(queues: readonly string[]): void {
    const problems = queueTopologyProblems(queues, this.processorQueues());
    if (problems.length > 0) throw new QueueTopologyError(`refusing to start: ${problems.join('; ')}`);
  }
}
