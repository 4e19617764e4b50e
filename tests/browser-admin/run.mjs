// run.mjs: the admin pages in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): sign in, write with Markdown, preview (the
// button without JavaScript, and the live preview with it), publish,
// schedule, edit, revisions and restore, a held comment approved from the
// moderation queue, sign out. Each of those steps is one case (counted by
// tests/browser/lib.js, as the reader pages' suite is); they share one
// site and one browser, in order. Prints
// "browser-admin: N cases, N checks: N passed, N failed".
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import lib from "../browser/lib.js";

const { check, testCase, summary } = lib;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.resolve(ROOT, process.env.GAZETTE_BIN || "./gazette");
const PW = "correct horse battery staple";
function gazette(args, input) {
	const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: "utf8" });
	if (r.status !== 0)
		throw new Error("gazette " + args.join(" ") + ": " + r.stderr);
}

function freePort() {
	return new Promise((ok) => {
		const s = net.createServer();
		s.listen(0, "127.0.0.1", () => {
			const p = s.address().port;
			s.close(() => ok(p));
		});
	});
}

function startServer(db, port) {
	return new Promise((ok, fail) => {
		const p = spawn(BIN, ["serve", "--db", db, "--listen",
		    "127.0.0.1:" + port], { cwd: ROOT, env: { ...process.env,
		    GAZETTE_TIMEZONE: "UTC", GAZETTE_COMMENT_MIN_FILL: "0" }, stdio: ["ignore", "ignore", "pipe"] });
		let err = "";
		const t = setTimeout(() => fail(new Error("serve did not start: " +
		    err)), 20000);
		p.stderr.on("data", (d) => {
			err += d;
			if (err.includes("listening on")) {
				clearTimeout(t);
				ok(p);
			}
		});
		p.on("exit", (c) => fail(new Error("serve exited " + c + ": " + err)));
	});
}

// "YYYY-MM-DDTHH:MM:SS" in UTC, the site's zone here.
function localTime(ms) {
	return new Date(ms).toISOString().slice(0, 19);
}

async function main() {
	const dir = mkdtempSync(path.join(os.tmpdir(), "gazette-browser-admin-"));
	const db = path.join(dir, "site.db");
	let server = null, ctx = null, started = false;
	let base, page, editUrl, articleUrl, revLinks;
	const errors = [];
	const md = "## A heading\n\nSome **bold** text and a " +
	    "[link](https://example.org).\n\n- one\n- two\n";

	await testCase("start: site, server, Chromium", async () => {
		gazette(["init", "--db", db]);
		gazette(["user", "add", "ann", "--role", "admin", "--db", db],
		    PW + "\n");
		const port = await freePort();
		server = await startServer(db, port);
		base = "http://127.0.0.1:" + port;
		ctx = await chromium.launchPersistentContext(path.join(dir, "profile"), {
			executablePath: "/usr/bin/chromium",
			headless: true,
			args: ["--headless", "--no-sandbox", "--disable-gpu",
			    "--disable-quic", "--no-first-run",
			    "--disable-background-networking",
			    "--disable-component-update", "--disable-sync"],
		});
		ctx.setDefaultTimeout(15000);
		page = ctx.pages()[0] || await ctx.newPage();
		// Errors that matter: CSP refusals, script errors, and failed
		// responses other than the favicon (the theme has none).
		page.on("console", (m) => {
			if (m.type() === "error" &&
			    !m.text().startsWith("Failed to load resource"))
				errors.push(m.text());
		});
		page.on("pageerror", (e) => errors.push(String(e)));
		page.on("response", (r) => {
			if (r.status() >= 400 && !r.url().endsWith("/favicon.ico"))
				errors.push(r.status() + " " + r.url());
		});
		started = true;
	});
	// Each step below needs the ones before it: with no site or browser
	// there is nothing to step through.
	const step = (name, fn) => started ? testCase(name, fn) : undefined;

	await step("sign in from a deep link", async () => {
		await page.goto(base + "/admin/articles");
		check(page.url().startsWith(base + "/admin/login?next="),
		    "sent to sign in: " + page.url());
		await page.fill("#username", "ann");
		await page.fill("#password", PW);
		await Promise.all([page.waitForURL(base + "/admin/articles"),
		    page.click("button[type=submit]")]);
		check(await page.isVisible("text=Sign out"), "signed in");
	});

	await step("the Preview button without JavaScript", async () => {
		await page.route("**/static/admin.js", (r) => r.abort());
		try {
			await page.goto(base + "/admin/articles/new");
			await page.fill("#title", "Browser story");
			await page.fill("#body", md);
			await Promise.all([page.waitForNavigation(),
			    page.click("button[name=preview]")]);
			check(await page.locator("#live-preview strong")
			    .textContent() === "bold",
			    "preview button renders the Markdown");
			check(await page.locator("#live-preview h2").count() === 1,
			    "heading in the preview");
			check(await page.inputValue("#body") === md,
			    "text kept after preview");
		} finally {
			await page.unroute("**/static/admin.js");
		}
	});

	await step("the live preview", async () => {
		await page.goto(base + "/admin/articles/new");
		await page.fill("#title", "Browser story");
		await page.locator("#body").pressSequentially("Live *emphasis* here",
		    { delay: 5 });
		await page.waitForSelector("#live-preview em");
		check(await page.locator("#live-preview em").textContent() ===
		    "emphasis", "live preview follows typing");
		await page.fill("#body", md);
		await page.waitForSelector("#live-preview li");
		check(await page.locator("#live-preview li").count() === 2,
		    "live preview after a paste");
	});

	await step("publish, and see it on the front page", async () => {
		await page.selectOption("#status", "published");
		await Promise.all([page.waitForURL(/\/admin\/articles\/\d+\?msg=created/),
		    page.click("button[name=save]")]);
		editUrl = page.url().replace(/\?.*/, "");
		check(await page.isVisible("text=Article created."), "created");
		await page.goto(base + "/");
		check(await page.isVisible("text=Browser story"), "on the front page");
		await page.click("text=Browser story");
		check(await page.locator("article strong").textContent() === "bold",
		    "article page rendered");
	});

	await step("a scheduled article appears by itself", async () => {
		await page.goto(base + "/admin/articles/new");
		await page.fill("#title", "Scheduled story");
		await page.fill("#body", "Comes *later*.");
		await page.selectOption("#status", "scheduled");
		const due = Date.now() + 2000;
		await page.fill("#publish_at", localTime(due + 999));
		await Promise.all([page.waitForURL(/msg=created/),
		    page.click("button[name=save]")]);
		await page.goto(base + "/");
		check(!(await page.isVisible("text=Scheduled story")) ||
		    Date.now() >= due, "not shown before its time");
		let seen = false;
		for (let i = 0; i < 100 && !seen; i++) {
			await page.waitForTimeout(250);
			await page.goto(base + "/");
			seen = await page.isVisible("text=Scheduled story");
		}
		check(seen, "scheduled article appeared without a restart");
	});

	await step("edit, revisions and restore", async () => {
		await page.goto(editUrl);
		await page.fill("#body", "Rewritten completely.\n");
		await Promise.all([page.waitForURL(/msg=saved/),
		    page.click("button[name=save]")]);
		check(await page.inputValue("#body") === "Rewritten completely.\n",
		    "saved the edit");
		revLinks = page.locator(".revisions tbody a");
		check(await revLinks.count() === 2, "two revisions listed");
		await page.click(".revisions tbody tr:last-child a");
		check(await page.locator("pre.diff .del").count() >= 3,
		    "diff shows removed lines");
		check((await page.locator("pre.diff .add").textContent())
		    .includes("Rewritten completely."), "diff shows the added line");
		await Promise.all([page.waitForURL(/msg=restored/),
		    page.click("text=Restore version 1")]);
		check(await page.inputValue("#body") === md, "restored text");
		check(await revLinks.count() === 3, "restore is a new revision");
		await page.goto(base + "/");
		await page.click("text=Browser story");
		check(await page.locator("article strong").textContent() === "bold",
		    "readers see the restored text");
	});

	// A reader's comment is held (moderation "first": a new
	// commenter), shows in the queue and the header's count, and once
	// approved there appears on the article.
	await step("a held comment approved from the queue", async () => {
		await page.goto(base + "/");
		await page.click("text=Browser story");
		articleUrl = page.url();
		await page.fill("#c-author", "Reader Rita");
		await page.fill("#c-body", "A *held* comment from the browser.");
		await Promise.all([page.waitForURL(/held=1/),
		    page.click("text=Post comment")]);
		check(!(await page.isVisible("text=A held comment from the browser")),
		    "held comment not shown yet");
		await page.goto(base + "/admin/comments");
		check((await page.locator(".bar .pending").textContent())
		    .startsWith("1"), "pending count in the header");
		check((await page.locator("table.comments .body em").textContent()) ===
		    "held", "held comment in the queue");
		await Promise.all([page.waitForURL(/msg=1-approve/),
		    page.click("button[name=do][value^='approve:']")]);
		check(await page.isVisible("text=1 comment approved."), "approved");
		check(await page.locator(".bar .pending").count() === 0,
		    "no pending count left");
		await page.goto(articleUrl);
		check(await page.isVisible("text=Reader Rita"),
		    "approved comment's author on the article");
		check(await page.locator("article.comment em", { hasText: "held" })
		    .count() === 1, "approved comment on the article");
	});

	await step("sign out", async () => {
		await page.goto(base + "/admin");
		await Promise.all([page.waitForURL(/\/admin\/login/),
		    page.click("text=Sign out")]);
		check(await page.isVisible("text=You have signed out."),
		    "signed out");
		await page.goto(base + "/admin/articles");
		check(page.url().startsWith(base + "/admin/login"),
		    "admin needs signing in again");
	});

	await step("no script, CSP or HTTP errors on the way", async () => {
		check(errors.length === 0, "no script, CSP or HTTP errors: " +
		    errors.join(" | "));
	});

	if (ctx)
		await ctx.close().catch(() => {});
	if (server) {
		server.removeAllListeners("exit");
		server.kill("SIGTERM");
	}
	rmSync(dir, { recursive: true, force: true });
	const { line, status } = summary("browser-admin");
	console.log(line);
	process.exit(status);
}

main();
