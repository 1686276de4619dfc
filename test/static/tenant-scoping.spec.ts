/**
 * "A query without a tenant cannot be written": every public method of every repository takes
 * `tenantId: TenantId` as its first parameter. The few that must work across tenants (creating a
 * tenant, resolving which tenant a key belongs to, worker sweeps) say so with a `@crossTenant` tag and
 * a reason in their doc comment.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { ROOT } from '../support/env.js';

function repositoryFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : repositoryFiles(full);
    return name.endsWith('.repository.ts') ? [full] : [];
  });
}

interface MethodInfo {
  file: string;
  method: string;
  firstParam: string | undefined;
  crossTenant: string | undefined;
}

function methodsOf(file: string): MethodInfo[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: MethodInfo[] = [];
  source.forEachChild((node) => {
    if (!ts.isClassDeclaration(node)) return;
    for (const member of node.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      const modifiers = ts.getModifiers(member) ?? [];
      if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
      const tag = ts.getJSDocTags(member).find((t) => t.tagName.text === 'crossTenant');
      const first = member.parameters[0];
      out.push({
        file: path.relative(ROOT, file),
        method: `${node.name?.text}.${member.name.getText(source)}`,
        firstParam: first ? `${first.name.getText(source)}: ${first.type?.getText(source)}` : undefined,
        crossTenant: tag ? String(ts.getTextOfJSDocComment(tag.comment) ?? '').trim() : undefined,
      });
    }
  });
  return out;
}

const methods = repositoryFiles(path.join(ROOT, 'libs')).flatMap(methodsOf);

describe('tenant scoping of repositories', () => {
  it('finds the repositories', () => {
    expect(methods.length).toBeGreaterThan(5);
  });

  it.each(methods.map((m) => [m.method, m] as const))('%s takes the tenant first or says why not', (_, m) => {
    if (m.crossTenant !== undefined) {
      expect({ method: m.method, reason: m.crossTenant.length > 10 }).toEqual({ method: m.method, reason: true });
    } else {
      expect({ method: m.method, firstParam: m.firstParam }).toEqual({ method: m.method, firstParam: 'tenantId: TenantId' });
    }
  });
});
