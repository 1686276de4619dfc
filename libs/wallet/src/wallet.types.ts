export const WINZ = 'WINZ';

/** The tenant accounts that balance player entries. */
export const TENANT_ACCOUNTS = {
  /** WINZ put into players' wallets (credits, rewards) */
  issued: 'tenant:winz_issued',
  /** WINZ taken back out (debits) */
  redeemed: 'tenant:winz_redeemed',
} as const;

export interface LedgerEntryView {
  id: string;
  amount: number;
  balance_after: number;
  reason: string;
  reference: string | null;
  created_at: string;
}

export interface WalletOperationView {
  transaction_id: string;
  player_id: string;
  entry: LedgerEntryView;
  balance: number;
}

export interface WalletOperationInput {
  amount: bigint;
  idempotencyKey: string;
  reason?: string;
  reference?: string;
}
