import { Injectable } from '@nestjs/common';
import { DbService } from '@app/db';
import { moneyToNumber, type PageRequest, type TenantId } from '@app/common';
import type { LedgerEntryView } from './wallet.types.js';

export interface NewEntry {
  id: string;
  account: string;
  playerId: string | null;
  currency: string;
  amount: bigint;
  reason: string;
  reference: string | null;
}

export interface NewTransaction {
  id: string;
  kind: 'credit' | 'debit' | 'reward';
  playerId: string;
  idempotencyKey: string | null;
  requestHash: string | null;
}

interface EntryRow {
  id: string;
  amount: bigint;
  balance_after: bigint | null;
  reason: string;
  reference: string | null;
  created_at: Date;
}

export const toEntryView = (r: EntryRow): LedgerEntryView => ({
  id: r.id,
  amount: moneyToNumber(r.amount),
  balance_after: moneyToNumber(r.balance_after ?? 0n),
  reason: r.reason,
  reference: r.reference,
  created_at: r.created_at.toISOString(),
});

@Injectable()
export class LedgerRepository {
  constructor(private readonly db: DbService) {}

  /**
   * Claims an API credit or debit's idempotency key: false when the key was used before (a concurrent
   * first use waits here for the other transaction, then sees it).
   */
  async claimTransaction(tenantId: TenantId, txn: NewTransaction, createdAt: Date): Promise<boolean> {
    const rows = await this.db.txClient.$queryRaw<{ id: string }[]>`
      INSERT INTO ledger_transactions (id, tenant_id, kind, player_id, idempotency_key, request_hash, created_at)
      VALUES (${txn.id}, ${tenantId}, ${txn.kind}, ${txn.playerId}, ${txn.idempotencyKey}, ${txn.requestHash}, ${createdAt})
      ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
      RETURNING id`;
    return rows.length === 1;
  }

  async findByKey(tenantId: TenantId, idempotencyKey: string): Promise<{ requestHash: string | null; response: unknown } | null> {
    const row = await this.db.client.ledgerTransaction.findUnique({
      where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } },
      select: { requestHash: true, response: true },
    });
    return row;
  }

  async setResponse(tenantId: TenantId, txnId: string, response: object): Promise<void> {
    await this.db.txClient.ledgerTransaction.update({ where: { id: txnId, tenantId }, data: { response } });
  }

  /**
   * Locks the player's row for the rest of the transaction and returns the balance, and the id of the
   * player's latest entry: the next entry's id must sort after it, so that the entries listed newest
   * first are in the order the balance moved (processes' clocks and lock waits do not order them).
   * FOR NO KEY UPDATE serialises debits without conflicting with the KEY SHARE locks that inserts
   * referencing the player take (FOR UPDATE would deadlock concurrent debits).
   */
  async lockBalance(tenantId: TenantId, playerId: string): Promise<{ balance: bigint; lastEntryId: string | null }> {
    const rows = await this.db.txClient.$queryRaw<{ winz_balance: bigint }[]>`
      SELECT winz_balance FROM players WHERE id = ${playerId} AND tenant_id = ${tenantId} FOR NO KEY UPDATE`;
    if (rows.length === 0) throw new Error(`player ${playerId} not found`);
    // read after the lock: every earlier entry of the player has committed
    const last = await this.db.txClient.$queryRaw<{ id: string }[]>`
      SELECT id FROM ledger_entries WHERE tenant_id = ${tenantId} AND player_id = ${playerId} ORDER BY id DESC LIMIT 1`;
    return { balance: rows[0].winz_balance, lastEntryId: last[0]?.id ?? null };
  }

  /**
   * Appends entries of one transaction. The database moves the player's balance with each player
   * entry, refuses a negative balance, and checks at commit that the entries balance.
   */
  async append(tenantId: TenantId, txnId: string, entries: NewEntry[], createdAt: Date): Promise<LedgerEntryView[]> {
    const rows = await this.db.txClient.$queryRaw<(EntryRow & { account: string })[]>`
      INSERT INTO ledger_entries (id, tenant_id, txn_id, account, player_id, currency, amount, reason, reference, created_at)
      SELECT e.id, ${tenantId}, ${txnId}, e.account, e.player_id, e.currency, e.amount, e.reason, e.reference, ${createdAt}
        FROM unnest(${entries.map((e) => e.id)}::text[], ${entries.map((e) => e.account)}::text[], ${entries.map((e) => e.playerId)}::text[],
                    ${entries.map((e) => e.currency)}::text[], ${entries.map((e) => e.amount.toString())}::bigint[],
                    ${entries.map((e) => e.reason)}::text[], ${entries.map((e) => e.reference)}::text[])
             AS e(id, account, player_id, currency, amount, reason, reference)
      RETURNING id, account, amount, balance_after, reason, reference, created_at`;
    return rows.filter((r) => r.account === 'player').map(toEntryView);
  }

  /** A player's entries, newest first. */
  async playerEntries(tenantId: TenantId, playerId: string, page: PageRequest): Promise<LedgerEntryView[]> {
    const rows = await this.db.client.ledgerEntry.findMany({
      where: { tenantId, playerId, account: 'player', ...(page.cursor && { id: { lt: page.cursor } }) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
      select: { id: true, amount: true, balanceAfter: true, reason: true, reference: true, createdAt: true },
    });
    return rows.map((r) => toEntryView({ id: r.id, amount: r.amount, balance_after: r.balanceAfter, reason: r.reason, reference: r.reference, created_at: r.createdAt }));
  }
}
