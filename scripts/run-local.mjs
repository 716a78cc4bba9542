#!/usr/bin/env node
// `npm start`: the bot, its storage and a chat client on this machine, with nothing in Azure or Teams.
//   1. the pinned npm tools (npm ci) when node_modules is missing or does not match package.json;
//   2. Azurite (Azure Blob Storage emulator) on 127.0.0.1:10000, data kept in .azurite/ across restarts;
//   3. the bot on http://localhost:3978 (dotnet build, saying so while it builds, then dotnet run --no-build,
//      environment Development);
//   4. the Microsoft 365 Agents Playground (a Teams-like chat client) on http://localhost:56150.
// Ctrl-C (or SIGTERM) stops all three. Only Node's standard library is used, so it runs the same on Windows,
// macOS and Linux.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const isWindows = process.platform === "win32";
const ports = { storage: 10000, bot: 3978, playground: 56150 };
const botUrl = `http://localhost:${ports.bot}`;
const playgroundUrl = `http://localhost:${ports.playground}`;

const children = [];
let stopping = false;

function log(message) {
  console.log(`[run-local] ${message}`);
}

// node_modules is stale when a pinned devDependency is missing or at another version than package.json says.
function staleTools() {
  const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).devDependencies ?? {};
  return Object.entries(pinned).filter(([name, version]) => {
    const manifest = path.join(root, "node_modules", name, "package.json");
    return !existsSync(manifest) || JSON.parse(readFileSync(manifest, "utf8")).version !== version;
  }).map(([name]) => name);
}

function installTools() {
  const stale = staleTools();
  if (stale.length === 0) return;
  log(`installing the pinned npm tools (${stale.join(", ")} missing or outdated): npm ci`);
  const npm = spawnSync(isWindows ? "npm.cmd" : "npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit", shell: isWindows });
  if (npm.status !== 0) throw new Error("npm ci failed");
}

// A package's command, run with this Node directly (no .bin shims, which differ on Windows).
function packageBin(packageName, binName) {
  const dir = path.join(root, "node_modules", packageName);
  const bin = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).bin;
  return path.join(dir, typeof bin === "string" ? bin : bin[binName]);
}

function start(name, command, args, env = {}) {
  // detached: each child leads its own process group, so stopping it also stops what it started (dotnet run
  // starts the app as a grandchild).
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: !isWindows,
  });
  const prefix = (chunk) => chunk.toString().split(/\r?\n/).filter(Boolean).map((line) => `[${name}] ${line}`).join("\n") + "\n";
  child.stdout.on("data", (chunk) => process.stdout.write(prefix(chunk)));
  child.stderr.on("data", (chunk) => process.stderr.write(prefix(chunk)));
  child.on("exit", (code, signal) => {
    child.exited = true;
    if (!stopping) {
      log(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the others.`);
      stop(1);
    }
  });
  child.label = name;
  children.push(child);
  return child;
}

function kill(child, signal) {
  if (child.exited) return;
  try {
    if (isWindows) spawnSync("taskkill", ["/pid", String(child.pid), "/T", "/F"], { stdio: "ignore" });
    else process.kill(-child.pid, signal); // the whole process group
  } catch {
    // already gone
  }
}

async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping...");
  // Azurite ignores SIGTERM and SIGINT: it is killed outright. The others get a chance to shut down cleanly.
  for (const child of children) kill(child, child.label === "azurite" ? "SIGKILL" : "SIGTERM");
  const deadline = Date.now() + 5000;
  while (children.some((c) => !c.exited) && Date.now() < deadline) await sleep(100);
  for (const child of children) kill(child, "SIGKILL");
  process.exit(exitCode);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(what, ready, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    if (await ready()) { log(`${what} is ready`); return; }
    await sleep(500);
  }
  throw new Error(`${what} was not ready after ${timeoutMs / 1000} s`);
}

async function httpAnswers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.status < 500 || response.status === 503; // 503 from /healthz still means the bot is up
  } catch {
    return false;
  }
}

// `dotnet run` builds silently (its output is not a terminal here), and a first build takes a minute or more: build
// first, saying so, with a line every 10 s, and show the compiler's errors if it fails.
async function buildBot() {
  const project = path.join("src", "CertTrustBot");
  log(`building the bot (dotnet build ${project}); a first build restores packages and takes a minute or two...`);
  const started = Date.now();
  const ticker = setInterval(() => log(`still building the bot (${Math.round((Date.now() - started) / 1000)} s)...`), 10000);
  const output = [];
  const code = await new Promise((resolve) => {
    const build = spawn("dotnet", ["build", project, "-nologo", "-v", "quiet", "-clp:NoSummary"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      shell: isWindows,
    });
    build.stdout.on("data", (chunk) => output.push(chunk));
    build.stderr.on("data", (chunk) => output.push(chunk));
    build.on("error", (error) => { output.push(Buffer.from(String(error))); resolve(-1); });
    build.on("exit", (exitCode) => resolve(exitCode));
  });
  clearInterval(ticker);
  if (code !== 0) {
    process.stderr.write(Buffer.concat(output));
    throw new Error(`the bot did not build (dotnet build exit code ${code}): see the errors above`);
  }
  log(`the bot is built (${Math.round((Date.now() - started) / 1000)} s); starting it`);
}

async function main() {
  process.on("SIGINT", () => stop(0));
  process.on("SIGTERM", () => stop(0));
  // `npm start` runs this under a shell that does not pass SIGTERM on: when that parent goes, stop too.
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) { log("the parent process exited"); stop(0); } }, 1000).unref();

  installTools();

  for (const [what, port] of [["the bot", ports.bot], ["the Agents Playground", ports.playground]]) {
    if (await portOpen(port)) throw new Error(`port ${port} (${what}) is already in use: stop what is using it first`);
  }

  if (await portOpen(ports.storage)) {
    log(`something already listens on 127.0.0.1:${ports.storage}; using it as Azure Blob Storage (an Azurite you started?)`);
  } else {
    const data = path.join(root, ".azurite");
    mkdirSync(data, { recursive: true });
    start("azurite", process.execPath, [
      packageBin("azurite", "azurite-blob"),
      "--blobHost", "127.0.0.1", "--blobPort", String(ports.storage),
      "--location", data, "--silent", "--skipApiVersionCheck", "--disableTelemetry",
    ]);
    await waitFor(`Azurite (127.0.0.1:${ports.storage}, data in .azurite/)`, () => portOpen(ports.storage), 30000);
  }

  await buildBot();
  start("bot", "dotnet", ["run", "--no-build", "--project", path.join("src", "CertTrustBot"), "--urls", botUrl], {
    ASPNETCORE_ENVIRONMENT: "Development",
    DOTNET_ENVIRONMENT: "Development",
  });
  await waitFor(`the bot (${botUrl}/api/messages)`, () => httpAnswers(`${botUrl}/healthz`), 120000);

  start("playground", process.execPath, [
    packageBin("@microsoft/m365agentsplayground", "agentsplayground"),
    "start", "--disable-telemetry", "--channel-id", "msteams",
    "--port", String(ports.playground), "--app-endpoint", `http://127.0.0.1:${ports.bot}/api/messages`,
  ], { TEAMSAPPTESTER_BROWSER: "none" }); // it logs to devTools/ (git-ignored)
  await waitFor(`the Agents Playground (${playgroundUrl})`, () => httpAnswers(playgroundUrl), 60000);

  console.log(`
  CertTrustBot is running.

    Chat with it:   ${playgroundUrl}   (Microsoft 365 Agents Playground, Teams mode)
    Bot endpoint:   ${botUrl}/api/messages   (health: ${botUrl}/healthz)
    Storage:        Azurite on 127.0.0.1:${ports.storage}, data in .azurite/ (delete the folder to start afresh)

  Say "help", then paste a certificate as text: open a .cer/.crt/.pem file in a text editor and paste
  everything from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- into the chat box.
  (The Playground cannot upload files in Teams mode; Teams itself sends files in the 1:1 chat.)

  Ctrl-C stops everything.
`);
}

main().catch((error) => {
  console.error(`[run-local] ${error.message}`);
  stop(1);
});
