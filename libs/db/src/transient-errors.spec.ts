import { describe, expect, it } from '@jest/globals';
import { AppError } from '@app/common';
import { isTransient } from './db.service.js';

describe('isTransient: which failures retry the job and which fail only the member', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['no connection from the pool in time', { code: 'P2024', message: 'Timed out fetching a new connection from the connection pool' }],
    ['a transaction that timed out', { code: 'P2028' }],
    ['a deadlock, wrapped by Prisma', { code: 'P2010', meta: { code: '40P01' } }],
    ['a serialization failure in the driver error', { driverAdapterError: { cause: { originalCode: '40001' } } }],
    ['the server shutting down', { code: '57P01' }],
    ['too many connections', { code: '53300' }],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
  ])('%s is transient', (_, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ['a rule refusing the grant', AppError.rule('player_excluded', 'excluded')],
    ['a unique violation', { code: 'P2002' }],
    ['a check violation', { code: 'P2010', meta: { code: '23514' } }],
    ['a bug', new TypeError('x is undefined')],
    ['not an object', 'boom'],
    ['null', null],
  ])('%s is not', (_, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
