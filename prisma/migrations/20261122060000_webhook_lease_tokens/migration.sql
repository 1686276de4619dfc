-- Who holds a delivery's lease: a worker sends and records an attempt only while the token it leased
-- with is still there, so a lease that ran out and was taken by another worker is seen as lost.
ALTER TABLE "webhook_deliveries" ADD COLUMN "lease_token" TEXT;
