#!/usr/bin/env node
// `npm run walkthrough`: checks the README's local-run steps against the system `npm start` runs, the way a new user
// goes through them in the Agents Playground, and says what each step answered. Run it in a second terminal while
// `npm start` runs. Only Node's standard library is used.
//
// It sends the bot what the Playground sends (its ids from .m365agentsplayground.yml, its connector as serviceUrl):
//   1. opening the personal chat (install events) and "help": the welcome card;
//   2. a certificate's PEM text pasted into the chat: the report and the environment picker;
//   3. Test and Production picked, Continue: the confirmation;
//   4. Confirm: the receipt with the case number;
//   5. "status CT-…": the case's status card;
//   6. opening Support staff › General (the team's install events): the case card is posted there, in the Playground;
//   7. "@CertTrustBot cases" and "@CertTrustBot show CT-…" in that channel, as Teams delivers an @mention (the
//      Playground's own channel box does not send these to the bot): the open cases, and the card posted again.
// Turns 1-5 and 7 ask for the replies in the HTTP answer (deliveryMode expectReplies) to check them; the staff card
// (6, 7) goes to the Playground like any proactive message: look at Support staff › General.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bot = process.env.BOT_URL ?? "http://127.0.0.1:3978";
const playground = process.env.PLAYGROUND_URL ?? "http://localhost:56150";
const certificate = process.argv[2] ?? path.join(root, "tests", "CertTrustBot.Certificates.Tests", "Cli", "Data", "isrg-root-x1.pem");

// The Playground's mock Teams, as .m365agentsplayground.yml defines it.
const config = readFileSync(path.join(root, ".m365agentsplayground.yml"), "utf8");
const value = (pattern) => config.match(pattern)?.[1]?.trim() ?? fail(`.m365agentsplayground.yml has no ${pattern}`);
const tenantId = value(/^tenantId:\s*(\S+)/m);
const botAccount = { id: value(/^bot:\s*\n\s+id:\s*(\S+)/m), name: "CertTrustBot" };
const user = { id: value(/^currentUser:\s*\n\s+id:\s*(\S+)/m), name: "Alex Wilber", aadObjectId: value(/^currentUser:[\s\S]*?aadObjectId:\s*(\S+)/m) };
const personalChatId = value(/^personalChat:\s*\n\s+id:\s*(\S+)/m);
const teamId = value(/^team:\s*\n\s+id:\s*(\S+)/m);
const serviceUrl = `${playground}/_connector`;

let failures = 0;
let sequence = 0;

function fail(message) {
  throw new Error(message);
}

function check(condition, what) {
  console.log(`  ${condition ? "ok  " : "FAIL"} ${what}`);
  if (!condition) failures++;
}

function personal(extra) {
  return {
    channelId: "msteams",
    serviceUrl,
    id: `walkthrough-${Date.now()}-${++sequence}`,
    timestamp: new Date().toISOString(),
    from: user,
    recipient: botAccount,
    conversation: { id: personalChatId, conversationType: "personal", tenantId },
    channelData: { tenant: { id: tenantId } },
    locale: "en-US",
    ...extra,
  };
}

function inTeam(extra, conversationId = teamId) {
  return {
    ...personal(extra),
    conversation: { id: conversationId, conversationType: "channel", tenantId, isGroup: true },
    channelData: { tenant: { id: tenantId }, team: { id: teamId, name: "Support staff" }, channel: { id: teamId, name: "General" } },
    ...extra,
  };
}

async function send(activity) {
  const response = await fetch(`${bot}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(activity),
  });
  if (!response.ok) fail(`POST /api/messages answered ${response.status}`);
  const text = await response.text();
  return text ? (JSON.parse(text).activities ?? []) : [];
}

const say = (text) => send(personal({ type: "message", text, deliveryMode: "expectReplies" }));
const press = (data) => send(personal({ type: "message", value: data, deliveryMode: "expectReplies" }));
const cards = (replies) => replies.flatMap((r) => r.attachments ?? []).map((a) => a.content);
const words = (card) => JSON.stringify(card);
const submitData = (card, action) => JSON.stringify(card).match(new RegExp(`"data":(\\{"action":"${action}"[^}]*\\})`))?.[1];

async function main() {
  for (const [what, url] of [["the bot", `${bot}/healthz`], ["the Agents Playground", playground]]) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(3000) });
    } catch {
      fail(`${what} does not answer at ${url}: start everything with \`npm start\` first`);
    }
  }

  console.log("1. Open the personal chat and say help");
  await send(personal({ type: "conversationUpdate", membersAdded: [botAccount, user] }));
  await say("cancel"); // a request left open by an earlier run
  const welcome = cards(await say("help"));
  check(welcome.length === 1 && words(welcome[0]).includes("Certificate trust requests"), "the welcome card, once");

  console.log(`2. Paste the certificate (${path.relative(root, certificate)})`);
  const pasted = await say(readFileSync(certificate, "utf8"));
  const [report, picker] = cards(pasted);
  check(pasted.length === 2, `two replies, the report and the picker (got ${pasted.length})`);
  check(words(report).includes("The certificate you pasted") && !words(report).includes("pasted-certificate"), "the report calls it the certificate you pasted");
  check(/days left/.test(words(report)) && !/\d{4} days/.test(words(report)), "days left in the one number format (3,107, never 3107)");
  const environments = JSON.parse(submitData(picker, "environments") ?? fail("no picker"));

  console.log("3. Pick Test and Production, press Continue");
  const chosen = await press({ ...environments, environments: "Test,Production", otherEnvironment: "", hostName: "" });
  const confirmation = cards(chosen).find((c) => words(c).includes("Please confirm your request"));
  check(confirmation !== undefined, "the confirmation card");

  console.log("4. Press Confirm");
  const receipt = cards(await press(JSON.parse(submitData(confirmation, "confirm") ?? fail("no Confirm"))));
  const caseNumber = words(receipt).match(/CT-\d{6}/)?.[0] ?? fail("no case number in the receipt");
  check(words(receipt).includes(`Case ${caseNumber} opened`), `the receipt for ${caseNumber}`);

  console.log(`5. status ${caseNumber}`);
  const status = cards(await say(`status ${caseNumber}`));
  check(status.length === 1 && words(status[0]).includes("Expected by") && words(status[0]).includes("History"), "the status card with the expected date and the history");

  console.log("6. Open Support staff › General (the team's install events): the case card goes there");
  await send(inTeam({ type: "conversationUpdate", membersAdded: [botAccount], channelData: { tenant: { id: tenantId }, team: { id: teamId, name: "Support staff" }, eventType: "teamMemberAdded" } }));
  console.log(`       look at Support staff › General in ${playground}: the card of ${caseNumber} arrives within a few seconds`);

  console.log("7. @CertTrustBot cases, then @CertTrustBot show " + caseNumber + " in the staff channel");
  const mention = (text) => inTeam({
    type: "message",
    text: `<at>CertTrustBot</at> ${text}`,
    textFormat: "xml",
    entities: [{ type: "mention", text: "<at>CertTrustBot</at>", mentioned: botAccount }],
    deliveryMode: "expectReplies",
  }, `${teamId};messageid=${Date.now()}`);
  const list = (await send(mention("cases"))).map((r) => r.text ?? "").join("\n");
  check(list.includes(`**${caseNumber}**`), `cases lists ${caseNumber}`);
  const shown = (await send(mention(`show ${caseNumber}`))).map((r) => r.text ?? "").join("\n");
  check(shown.includes(`I posted **${caseNumber}**'s card again`), `show ${caseNumber} posts its card again (see General)`);

  console.log(failures === 0 ? "\nEvery step answered as the README says." : `\n${failures} step(s) did not answer as expected.`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`walkthrough: ${error.message}`);
  process.exit(1);
});
