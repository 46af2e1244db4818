// A real S3-compatible server for looppost's integration tests: s3rver on 127.0.0.1, behind a
// small proxy that checks the AWS Signature V4 of every signed request with AWS's own signing
// library (@smithy/signature-v4), since s3rver's own checks are not to be relied on (DESIGN §9).
//
//   node server.js --dir DIR --bucket B --region R --access-key-id ID
//   (the secret access key in S3_TEST_SECRET_ACCESS_KEY)
//
// Prints "LISTENING <port>" (the proxy's port) when ready. GET /_log answers the record of every
// request as JSON: {method, path, signed, signature_ok, payload_ok, payload_sha256, status, error}.

'use strict';

const http = require('http');
const crypto = require('crypto');
const S3rver = require('s3rver');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`server.js: ${name} is required`);
    process.exit(2);
  }
  return process.argv[i + 1];
}

const dir = arg('--dir');
const bucket = arg('--bucket');
const region = arg('--region');
const accessKeyId = arg('--access-key-id');
const secretAccessKey = process.env.S3_TEST_SECRET_ACCESS_KEY || '';
if (!secretAccessKey) {
  console.error('server.js: S3_TEST_SECRET_ACCESS_KEY is required');
  process.exit(2);
}

const signer = new SignatureV4({
  credentials: { accessKeyId, secretAccessKey },
  region,
  service: 's3',
  sha256: Sha256,
  uriEscapePath: false, // S3 signs the path as sent
  applyChecksum: false,
});

const log = [];

// "20261123T172233Z" → Date
function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || '');
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

// Recomputes the signature of the request as received and compares it with the one it carries.
async function verify(req, body, record) {
  const auth = req.headers['authorization'];
  if (!auth) return;
  record.signed = true;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) {
    record.error = `malformed Authorization: ${auth.replace(/Signature=\w+/, 'Signature=…')}`;
    return;
  }
  const [, keyId, , credRegion, signedHeaders, signature] = m;
  if (keyId !== accessKeyId) record.error = `access key id ${keyId}`;
  if (credRegion !== region) record.error = `region ${credRegion}`;
  const signingDate = parseAmzDate(req.headers['x-amz-date']);
  if (!signingDate) {
    record.error = 'no x-amz-date';
    return;
  }
  const names = signedHeaders.split(';');
  record.signed_headers = names;
  const headers = {};
  for (const n of names) {
    if (req.headers[n] === undefined) {
      record.error = `signed header ${n} is missing`;
      return;
    }
    headers[n] = String(req.headers[n]);
  }
  const url = new URL(req.url, 'http://placeholder');
  const query = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const [hostname, port] = (req.headers['host'] || '').split(':');
  const expected = await signer.sign(
    { method: req.method, protocol: 'http:', hostname, port: port ? +port : undefined,
      path: url.pathname, query, headers },
    { signingDate, signingRegion: region, signingService: 's3', signableHeaders: new Set(names) });
  const got = /Signature=([0-9a-f]{64})/.exec(expected.headers['authorization'] || '');
  record.signature_ok = !!got && got[1] === signature;
  if (!record.signature_ok && !record.error) record.error = 'SignatureDoesNotMatch';
  const claimed = req.headers['x-amz-content-sha256'];
  record.payload_sha256 = crypto.createHash('sha256').update(body).digest('hex');
  record.payload_ok = claimed === record.payload_sha256;
  if (!record.payload_ok && !record.error) {
    record.error = `x-amz-content-sha256 ${claimed} is not the body's ${record.payload_sha256}`;
  }
}

let down = false;

async function main() {
  const s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const address = await s3.run();
  const s3Port = address.port;

  const proxy = http.createServer((req, res) => {
    if (req.url === '/_log') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(log));
      return;
    }
    // An unreachable host, on demand: every S3 request's connection is dropped unanswered.
    if (req.url === '/_down' || req.url === '/_up') {
      down = req.url === '/_down';
      res.end(down ? 'down' : 'up');
      return;
    }
    if (down) {
      log.push({ method: req.method, path: req.url, dropped: true });
      req.socket.destroy();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const record = { method: req.method, path: req.url, signed: false, signature_ok: null,
                       payload_ok: null, status: null, error: null };
      log.push(record);
      try {
        await verify(req, body, record);
      } catch (e) {
        record.error = `verification failed: ${e.message}`;
      }
      const headers = { ...req.headers };
      const up = http.request(
        { host: '127.0.0.1', port: s3Port, method: req.method, path: req.url, headers },
        (upRes) => {
          record.status = upRes.statusCode;
          res.writeHead(upRes.statusCode, upRes.headers);
          upRes.pipe(res);
        });
      up.on('error', (e) => {
        record.error = record.error || `s3rver: ${e.message}`;
        res.writeHead(502);
        res.end();
      });
      up.end(body);
    });
  });
  proxy.listen(0, '127.0.0.1', () => {
    process.stdout.write(`LISTENING ${proxy.address().port}\n`);
  });
  const stop = () => {
    proxy.close();
    s3.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(`server.js: ${e.stack || e}`);
  process.exit(1);
});
