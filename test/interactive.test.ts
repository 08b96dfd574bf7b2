// Real interactive sessions on a pseudo-terminal (@lydell/node-pty): the short walk and its length, the
// three walks that used to die after the last question (Flagger canary, cosign 3 on a registry without
// the referrers API, Tekton with keyless cosign), a fully non-default --advanced walk, the rules shown
// before a choice is made, and that no answer is lost (Ctrl-C, a cancelled summary) and resumes to the
// same tree.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, test } from 'vitest';
import { readTree, runCli, tmp } from './support/cli.js';
import { CTRL_C, DOWN, ENTER, Session, SPACE, UP } from './support/pty.js';

let session: Session | undefined;
afterEach(() => session?.pty.kill());

function start(args: string[], cwd: string): Session {
  session = new Session(args, cwd);
  return session;
}

const answersOf = async (dir: string) => parse(await readFile(join(dir, 'cn-scaffold.yaml'), 'utf8'));

describe('the short walk', () => {
  test('asks at most 15 questions for one service and generates what --yes generates; input is validated as typed', async () => {
    const work = await tmp('cn-pty-');
    const s = start(['init', 'shop', '--no-git'], work);
    await s.answer(/Project name/, 'Bad_Name' + ENTER);
    await s.waitFor(/DNS label/); // validated as typed, in words, before moving on
    s.pty.write('\x7f'.repeat(20) + 'shop' + ENTER);
    const asked = ['Project name', ...(await s.script([], /Generate the repository/))];
    expect(asked.length, asked.join('\n')).toBeLessThanOrEqual(15);
    expect(s.out).toMatch(/Containerization: which blocks\?[\s\S]*Recommended: Docker/);
    expect(await s.exit).toBe(0);
    const flags = await runCli(['init', join(work, 'flags'), '--yes', '--name', 'shop', '--no-git']);
    expect(flags.exitCode, flags.stderr).toBe(0);
    expect(await readTree(join(work, 'shop'))).toEqual(await readTree(join(work, 'flags')));
  }, 90_000);
});

describe('the walks that used to fail after the last question now generate', () => {
  test('Flagger canary: canary is shown disabled with the reason, before it can be picked', async () => {
    const work = await tmp('cn-pty-');
    const s = start(['init', 'canary', '--no-git'], work);
    await s.script(
      [
        [/CI\/CD: which blocks/, DOWN + ENTER], // choose each
        [/Which controller rolls out/, UP + ENTER], // flagger (the default, none, is last)
        [/Customize block options/, 'y' + ENTER],
        [/Which delivery strategy/, ENTER], // blue-green, the enabled default
      ],
      /Generate the repository/,
    );
    // No mesh and api not exposed through Envoy Gateway: Flagger has no traffic provider for a canary (the
    // line may wrap on the terminal).
    expect(s.out).toMatch(/canary \(Flagger canary needs a traffic provider: a service mesh[\s\S]*?\[CR-34\]\)/);
    expect(await s.exit).toBe(0);
    expect((await answersOf(join(work, 'canary'))).cicd).toMatchObject({ controller: 'flagger', flagger: { strategy: 'blue-green' } });
  }, 90_000);

  test('cosign 3 bundles on a registry without the referrers API: choosing v3 asks the registry question again', async () => {
    const work = await tmp('cn-pty-');
    const s = start(['init', 'referrers', '--no-git'], work);
    await s.script(
      [
        [/Where are images stored/, DOWN + ENTER], // external
        [/Customize block options/, 'y' + ENTER],
        [/Signature layout/, DOWN + ENTER], // v3
      ],
      /Generate the repository/,
    );
    expect(s.out).toMatch(/referrers API.*no longer fits: cosign 3 stores signatures as OCI 1\.1 referrers.*\[CR-14\]/);
    expect(await s.exit).toBe(0);
    const a = await answersOf(join(work, 'referrers'));
    expect(a.registry).toMatchObject({ provider: 'external', external: { referrersApi: true } });
    expect(a.distribution.cosign.format).toBe('v3');
  }, 90_000);

  test('Tekton after keyless cosign (--advanced): the signing mode is asked again, keyless disabled with the reason', async () => {
    const work = await tmp('cn-pty-');
    const s = start(['init', 'tekton', '--no-git', '--advanced'], work);
    await s.script(
      [
        [/Which CI\/CD system/, DOWN + DOWN + ENTER], // tekton
        [/cosign sign keyless/, ENTER], // asked again: key, the enabled default
      ],
      /Generate the repository/,
    );
    expect(s.out).toMatch(/cosign sign keyless.*no longer fits: keyless cosign signs with the CI job's OIDC identity token.*\[CN-DIST-06\]/);
    expect(s.out).toMatch(/keyless \(keyless cosign signs with the CI job's OIDC identity token.*\[CN-DIST-06\]\)/);
    expect(await s.exit).toBe(0);
    const a = await answersOf(join(work, 'tekton'));
    expect(a).toMatchObject({ cicd: { provider: 'tekton' }, distribution: { cosign: { mode: 'key' } } });
  }, 120_000);
});

test('a fully non-default --advanced walk generates, and equals the same answers given as flags', async () => {
  const work = await tmp('cn-pty-');
  const s = start(['init', 'custom', '--no-git', '--advanced'], work);
  // Every select moves off its default; yes/no answers the opposite of the default; inputs get values.
  const opposite = (m: string) => (/\(Y\/n\)/.test(m) ? 'n' : 'y') + ENTER;
  const asked = await s.script(
    [
      [/Project name/, 'shop' + ENTER],
      [/Kubernetes namespace/, '\x7f'.repeat(10) + 'shop-prod' + ENTER],
      [/Image repository path/, '\x7f'.repeat(10) + 'acme/shop' + ENTER],
      [/Service 1 name/, 'web' + ENTER],
      [/Port of web/, '\x7f'.repeat(6) + '9000' + ENTER],
      [/Replicas of web/, '\x7f'.repeat(3) + '3' + ENTER],
      [/Add another service/, 'y' + ENTER],
      [/Service 2 name/, 'orders' + ENTER],
      [/Port of orders/, ENTER],
      [/Replicas of orders/, '\x7f'.repeat(3) + '1' + ENTER],
      [/Add another service/, 'n' + ENTER],
      [/Which services does web call/, SPACE + ENTER],
      [/Which services does orders call/, ENTER],
      [/Hosts web connects to/, 'api.stripe.com:443' + ENTER],
      [/Hosts orders connects to/, ENTER],
      [/Image registry host/, '\x7f'.repeat(10) + 'registry.example.com' + ENTER],
      [/plugin holds the signing key/, 'azure-kv' + ENTER],
      [/Trusted signing identity/, '\x7f'.repeat(5) + 'x509.subject: C=US, O=Acme, CN=release' + ENTER],
      [/Use .* instead\?/, 'y' + ENTER],
      [/Generate the repository/, ENTER],
    ],
    /Generate the repository/,
    (m) => (/\((Y\/n|y\/N)\)/.test(m) ? opposite(m) : /Port of|Hosts|branch|Which tags|How many|Image storage|Gateway the|ClusterIssuer|DNS name|IngressClass|StorageClass|Prometheus|issuer|OIDC|Regular expression/.test(m) ? ENTER : DOWN + ENTER),
  );
  expect(await s.exit, s.out.slice(-3000)).toBe(0);
  const a = await answersOf(join(work, 'custom'));
  // Every slot that offers a choice was moved off its default.
  expect(a.containerization).toMatchObject({ build: 'podman', runtime: 'cri-o', local: 'none' });
  expect(a.registry.provider).toBe('external');
  expect(a.distribution.signer).toBe('notation');
  expect(a.cicd.provider).toBe('gitlab-ci');
  expect(a.observability.metrics).toBe('prometheus');
  expect(a.services).toMatchObject([{ name: 'web', language: 'go', protocol: 'grpc', port: 9000, replicas: 3, calls: ['orders'], egress: [{ host: 'api.stripe.com', port: 443 }] }, { name: 'orders', replicas: 1 }]);
  expect(asked.length).toBeGreaterThan(30);
  // The same answers as a file generate the same tree.
  const again = join(work, 'again');
  const r = await runCli(['init', again, '--answers', join(work, 'custom', 'cn-scaffold.yaml'), '--no-git']);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(await readTree(again)).toEqual(await readTree(join(work, 'custom')));
}, 180_000);

describe('nothing lost', () => {
  // The answers of the walk below, up to "Customize block options?".
  const before: [RegExp, string][] = [
    [/Project name/, 'shop' + ENTER],
    [/Language of api/, DOWN + ENTER], // go
    [/Containerization: which blocks/, DOWN + ENTER], // each
    [/How are images built/, DOWN + ENTER], // podman
    [/CI\/CD: which blocks/, DOWN + ENTER],
    [/Which CI\/CD system/, DOWN + ENTER], // gitlab-ci
  ];

  test('Ctrl-C keeps the answers; resuming from them gives the same tree as the walk without the interruption', async () => {
    const work = await tmp('cn-pty-');
    const whole = start(['init', 'whole', '--no-git'], work);
    await whole.script([...before], /Generate the repository/);
    expect(await whole.exit).toBe(0);

    const cut = start(['init', 'cut', '--no-git'], work);
    await cut.script([...before, [/Customize block options/, CTRL_C]], /never/);
    expect(await cut.exit).toBe(130);
    expect(cut.out).toMatch(/answers are saved in \.cn-scaffold-answers\.yaml\. Resume with:\s+cn-scaffold init cut --answers \.cn-scaffold-answers\.yaml/);
    expect(existsSync(join(work, 'cut'))).toBe(false);
    const saved = parse(await readFile(join(work, '.cn-scaffold-answers.yaml'), 'utf8'));
    expect(saved).toMatchObject({ project: { name: 'shop' }, services: [{ name: 'api', language: 'go' }], containerization: { build: 'podman' }, cicd: { provider: 'gitlab-ci' } });

    const resumed = start(['init', 'cut', '--no-git', '--answers', '.cn-scaffold-answers.yaml'], work);
    const asked = await resumed.script([], /Generate the repository/);
    expect(asked).not.toContain('Project name'); // what was answered is not asked again
    expect(await resumed.exit).toBe(0);
    expect(await readTree(join(work, 'cut'))).toEqual(await readTree(join(work, 'whole')));
    expect(existsSync(join(work, '.cn-scaffold-answers.yaml')), 'the saved answers are used up').toBe(false);
  }, 180_000);

  test('declining regenerate\'s confirmation is a cancel too (exit 4), and writes nothing', async () => {
    const work = await tmp('cn-pty-');
    const dir = join(work, 'repo');
    expect((await runCli(['init', dir, '--yes', '--no-git'])).exitCode).toBe(0);
    const before = await readTree(dir);
    const s = start(['regenerate', dir, '--set', 'services.0.replicas=3', '--interactive'], work);
    await s.answer(/Apply \d+ change\(s\)/, 'n' + ENTER);
    expect(await s.exit).toBe(4);
    expect(s.out).toMatch(/Cancelled: nothing written/);
    expect(await readTree(dir)).toEqual(before);
  }, 60_000);

  test('declining at the summary is a cancel (exit 4): nothing written, answers kept', async () => {
    const work = await tmp('cn-pty-');
    const s = start(['init', 'declined', '--no-git'], work);
    await s.script([[/Project name/, 'shop' + ENTER], [/Generate the repository/, DOWN + DOWN + ENTER]], /Generate the repository/);
    expect(await s.exit).toBe(4);
    expect(s.out).toMatch(/Cancelled at the summary: nothing written\.\s+Your answers are saved in \.cn-scaffold-answers\.yaml/);
    expect(existsSync(join(work, 'declined'))).toBe(false);
  }, 90_000);
});
