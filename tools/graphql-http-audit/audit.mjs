// graphql-http's GraphQL-over-HTTP audit against one server; prints one JSON object:
// {"url", "counts": {"MUST": {"passed", "total"}, ...}, "failures": [{"id", "name", "status", "reason"}]}.
// Usage: node tools/graphql-http-audit/audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = {};
const failures = [];
for (const result of results) {
  const level = result.name.split(' ', 1)[0];
  counts[level] ??= { passed: 0, total: 0 };
  counts[level].total += 1;
  if (result.status === 'ok') {
    counts[level].passed += 1;
  } else {
    failures.push({ id: result.id, name: result.name, status: result.status, reason: result.reason });
  }
}
console.log(JSON.stringify({ url, counts, failures }));
