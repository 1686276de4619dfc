import { Injectable } from '@nestjs/common';
import { AppError, MAX_MONEY, moneyToNumber, newId, newIdAfter, type PageRequest, Replayable, requestHash, type TenantId, toPage } from '@app/common';
import { DbService } from '@app/db';
import { OutboxService } from '@app/outbox';
import { type Player, PlayersService, type WalletView } from '@app/players';
import { LedgerRepository } from './ledger.repository.js';
import { type LedgerEntryView, TENANT_ACCOUNTS, WINZ, type WalletOperationInput, type WalletOperationView } from './wallet.types.js';

/**
 * The WINZ wallet: an append-only double-entry ledger. Every player credit has a counter-entry on a
 * tenant account, so each currency sums to zero; PostgreSQL moves the balance with each entry and never
 * lets it go below zero, so the balance always equals the sum of the player's entries.
 */
@Injectable()
export class WalletService {
  constructor(
    private readonly db: DbService,
    private readonly ledger: LedgerRepository,
    private readonly players: PlayersService,
    private readonly outbox: OutboxService,
  ) {}

  async view(tenantId: TenantId, ref: string, page: PageRequest): Promise<WalletView> {
    const player = await this.players.require(tenantId, ref);
    const entries = toPage(await this.ledger.playerEntries(tenantId, player.id, page), page.limit, (e) => e.id, (e) => e);
    return { currency: WINZ, balance: moneyToNumber(player.winzBalance), entries: entries.data, next_cursor: entries.next_cursor };
  }

  /** POST /v1/players/:player/wallet/credits — idempotent on idempotency_key; emits winz.credited. */
  credit(tenantId: TenantId, ref: string, input: WalletOperationInput): Promise<Replayable<WalletOperationView>> {
    return this.operation(tenantId, ref, 'credit', input);
  }

  /** POST /v1/players/:player/wallet/debits — idempotent; 422 insufficient_funds beyond the balance. */
  debit(tenantId: TenantId, ref: string, input: WalletOperationInput): Promise<Replayable<WalletOperationView>> {
    return this.operation(tenantId, ref, 'debit', input);
  }

  /**
   * A WINZ reward, inside the caller's transaction (the reward service's grant key makes it happen
   * once). Emits winz.credited.
   */
  async creditReward(tenantId: TenantId, player: Player, amount: bigint, reference: string, at: Date): Promise<WalletOperationView> {
    const txnId = newId('led', at.getTime());
    const { balance, lastEntryId } = await this.ledger.lockBalance(tenantId, player.id);
    assertRoom(balance, amount);
    if (!(await this.ledger.claimTransaction(tenantId, { id: txnId, kind: 'reward', playerId: player.id, idempotencyKey: null, requestHash: null }, at))) {
      throw new Error('a ledger transaction without a key cannot conflict');
    }
    return this.post(tenantId, player, txnId, lastEntryId, 'credit', amount, 'reward', reference, at);
  }

  private async operation(tenantId: TenantId, ref: string, kind: 'credit' | 'debit', input: WalletOperationInput): Promise<Replayable<WalletOperationView>> {
    return this.db.transaction(async () => {
      const player = await this.players.require(tenantId, ref);
      // whichever reference the path used: the plr_ id and the external_ref are one request
      const hash = requestHash({ player: player.id, kind, ...input });
      const at = new Date();
      const txnId = newId('led', at.getTime());
      const claimed = await this.ledger.claimTransaction(
        tenantId,
        { id: txnId, kind, playerId: player.id, idempotencyKey: input.idempotencyKey, requestHash: hash },
        at,
      );
      if (!claimed) {
        const existing = await this.ledger.findByKey(tenantId, input.idempotencyKey);
        if (!existing || existing.requestHash !== hash || existing.response === null) throw AppError.idempotencyKeyReused('idempotency_key');
        return Replayable.replay(existing.response as WalletOperationView);
      }
      const { balance, lastEntryId } = await this.ledger.lockBalance(tenantId, player.id);
      if (kind === 'credit') assertRoom(balance, input.amount);
      if (kind === 'debit') {
        if (balance < input.amount) {
          // Refused, so the whole transaction (and the key's claim) rolls back: the key stays free.
          throw AppError.rule('insufficient_funds', `the WINZ balance (${balance}) is below ${input.amount}`, [
            { field: 'amount', issue: 'exceeds the balance', balance: moneyToNumber(balance) },
          ]);
        }
      }
      // the entry is dated when the balance moves, after the lock: not when the request came in
      const view = await this.post(tenantId, player, txnId, lastEntryId, kind, input.amount, input.reason ?? kind, input.reference ?? null, new Date());
      await this.ledger.setResponse(tenantId, txnId, view);
      return Replayable.first(view);
    });
  }

  private async post(
    tenantId: TenantId,
    player: Player,
    txnId: string,
    lastEntryId: string | null,
    kind: 'credit' | 'debit',
    amount: bigint,
    reason: string,
    reference: string | null,
    at: Date,
  ): Promise<WalletOperationView> {
    const signed = kind === 'credit' ? amount : -amount;
    const [entry] = await this.ledger.append(
      tenantId,
      txnId,
      [
        { id: newIdAfter('led', lastEntryId, at.getTime()), account: 'player', playerId: player.id, currency: WINZ, amount: signed, reason, reference },
        {
          id: newId('led', at.getTime()),
          account: kind === 'credit' ? TENANT_ACCOUNTS.issued : TENANT_ACCOUNTS.redeemed,
          playerId: null,
          currency: WINZ,
          amount: -signed,
          reason,
          reference,
        },
      ],
      at,
    );
    const view: WalletOperationView = { transaction_id: txnId, player_id: player.id, entry, balance: entry.balance_after };
    if (kind === 'credit') await this.outbox.emit(tenantId, 'winz.credited', { ...creditedEvent(player, entry, txnId) }, at);
    return view;
  }
}

/** A balance stays a number every client reads exactly: at most 2^53 − 1 millis. */
function assertRoom(balance: bigint, amount: bigint): void {
  if (balance + amount > BigInt(MAX_MONEY)) {
    throw AppError.rule('balance_limit', `the WINZ balance cannot exceed ${MAX_MONEY} millis`, [
      { field: 'amount', issue: 'would take the balance past the limit', balance: moneyToNumber(balance) },
    ]);
  }
}

function creditedEvent(player: Player, entry: LedgerEntryView, txnId: string) {
  return {
    player_id: player.id,
    external_ref: player.externalRef,
    currency: WINZ,
    amount: entry.amount,
    balance_after: entry.balance_after,
    reason: entry.reason,
    reference: entry.reference,
    transaction_id: txnId,
    entry_id: entry.id,
  };
}
