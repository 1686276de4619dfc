import { Injectable } from '@nestjs/common';
import type { PageRequest, TenantId } from '@app/common';
import { DbService } from '@app/db';
import type { CompiledRule } from './rule-compiler.js';
import type { Segment } from './segment.types.js';

const SELECT = { id: true, name: true, rule: true, createdAt: true, updatedAt: true } as const;

@Injectable()
export class SegmentsRepository {
  constructor(private readonly db: DbService) {}

  async create(tenantId: TenantId, s: Segment): Promise<Segment> {
    return this.db.client.segment.create({ data: { ...s, tenantId }, select: SELECT });
  }

  async find(tenantId: TenantId, id: string): Promise<Segment | null> {
    return this.db.client.segment.findFirst({ where: { id, tenantId }, select: SELECT });
  }

  async list(tenantId: TenantId, page: PageRequest): Promise<Segment[]> {
    return this.db.client.segment.findMany({
      where: { tenantId, ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
      select: SELECT,
    });
  }

  async update(tenantId: TenantId, id: string, patch: { name?: string; rule?: string }, at: Date): Promise<Segment | null> {
    const { count } = await this.db.client.segment.updateMany({ where: { id, tenantId }, data: { ...patch, updatedAt: at } });
    return count === 0 ? null : this.find(tenantId, id);
  }

  /** Deletes the segment unless a campaign uses it; false when one does. */
  async deleteUnused(tenantId: TenantId, id: string): Promise<boolean> {
    const n = await this.db.client.$executeRaw`
      DELETE FROM segments s WHERE s.id = ${id} AND s.tenant_id = ${tenantId}
         AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.segment_id = s.id)`;
    return n === 1;
  }

  /**
   * How many of the tenant's players match, and the first `limit` of them by id. The compiled rule
   * numbers its parameters from $2; $1 is the tenant.
   */
  async preview(tenantId: TenantId, rule: CompiledRule, limit: number): Promise<{ count: number; ids: string[] }> {
    const where = `p.tenant_id = $1 AND ${rule.sql}`;
    const [counted, sample] = await Promise.all([
      this.db.client.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM players p WHERE ${where}`, tenantId, ...rule.params),
      this.db.client.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT p.id FROM players p WHERE ${where} ORDER BY p.id LIMIT ${Number(limit) | 0}`,
        tenantId,
        ...rule.params,
      ),
    ]);
    return { count: Number(counted[0].n), ids: sample.map((r) => r.id) };
  }
}
