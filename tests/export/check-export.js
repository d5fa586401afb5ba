#!/usr/bin/env node
// kvmirq export's traces read by third-party readers, against the rules of
// their formats and against kvmirq report's own reading of the recording.
//
//   check-export.js MODULES PROTO NAME REPORT.jsonl TRACE.json TRACE.pftrace ...
//
// MODULES holds protobufjs and devtools-timeline-model (tests/export/npm-deps.sh).
// The Perfetto file is decoded by protobufjs with PROTO (written for the test
// from Perfetto's published field numbers); the JSON is loaded by Chrome
// DevTools' own trace model (SDK.TracingModel, from chrome-devtools-frontend,
// as devtools-timeline-model runs it in node). The last line is "N passed, M
// failed".
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { createRequire } = require('module');

const [modules, protoPath, ...triples] = process.argv.slice(2);
const protobuf = require(path.join(modules, 'node_modules/protobufjs'));
const Trace = protobuf.loadSync(protoPath).lookupType('kvmirq_test.Trace');

let passed = 0, failed = 0;
function check(name, ok, detail) {
	if (ok) { passed++; return; }
	failed++;
	console.log(`FAIL: ${name}${detail ? ': ' + detail : ''}`);
}

const num = (v) => (v === undefined || v === null ? v : typeof v === 'object' ? v.toNumber() : v);

// Chrome DevTools' trace model, without the page timeline it also builds.
function devtoolsModel(events) {
	const dir = path.join(modules, 'node_modules/devtools-timeline-model');
	const quiet = { log() {}, warn() {}, error() {}, info() {}, debug() {}, assert() {} };
	const ctx = vm.createContext({
		require: createRequire(path.join(dir, 'package.json')), global, console: quiet,
		__dirname: dir,
	});
	new vm.Script(fs.readFileSync(path.join(dir, 'lib/timeline-model.js'), 'utf8')).runInContext(ctx);
	ctx.console = quiet;
	ctx.Common.console = quiet;
	const storage = new ctx.Bindings.TempFileBackingStorage('tracing');
	const model = new ctx.SDK.TracingModel(storage);
	model.setEventsForTest(events);
	return model;
}

// A debug annotation as the JSON value report prints.
function annotationValue(a) {
	if (a.dictEntries && a.dictEntries.length) {
		const o = {};
		for (const e of a.dictEntries) o[e.name] = annotationValue(e);
		return o;
	}
	if (a.arrayValues && a.arrayValues.length) return a.arrayValues.map(annotationValue);
	for (const k of ['uintValue', 'intValue', 'stringValue', 'boolValue'])
		if (Object.prototype.hasOwnProperty.call(a, k)) return num(a[k]);
	return {}; // an empty object: no entries
}

function multisetDiff(a, b) {
	const count = new Map();
	for (const k of a) count.set(k, (count.get(k) || 0) + 1);
	for (const k of b) count.set(k, (count.get(k) || 0) - 1);
	const off = [...count].filter(([, n]) => n !== 0);
	return off.length ? `${off.length} differ, e.g. ${off[0][0]} (${off[0][1]})` : null;
}

function checkRecording(name, reportPath, jsonPath, pfPath) {
	// kvmirq report's events: the reference
	const report = fs.readFileSync(reportPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
		.filter((e) => e.type === 'event');
	const maxVm = report.reduce((m, e) => Math.max(m, e.vm), 0);
	const pidOf = (v) => (v ? v : maxVm + 1);
	const refSlices = [], refInstants = [], refKinds = new Map(), refGsi = new Map();
	let refLevels = 0;
	for (const e of report) {
		const f = JSON.stringify(e.fields);
		if (e.kind === 'ioctl') refSlices.push(`${pidOf(e.vm)}/${e.tid} ${e.ioctl} end ${e.ts_ns} ${f}`);
		else refInstants.push(`${pidOf(e.vm)}/${e.tid} ${e.kind} ${e.ts_ns} ${f}`);
		const k = `${pidOf(e.vm)} ${e.kind}`;
		refKinds.set(k, (refKinds.get(k) || 0) + 1);
		if (['set_irq', 'irq_line', 'vgic_update_irq_pending', 'timer_update_irq'].includes(e.kind))
			refLevels++;
		if (e.kind === 'set_irq') {
			const g = `${pidOf(e.vm)} GSI ${e.fields.gsi} level`;
			refGsi.set(g, (refGsi.get(g) || 0) + 1);
		}
	}

	// --- Perfetto: decoded by protobufjs, checked against the format's rules
	const bytes = fs.readFileSync(pfPath);
	let trace;
	try {
		trace = Trace.decode(bytes);
	} catch (err) {
		check(`${name}: perfetto decodes`, false, err.message);
		return;
	}
	check(`${name}: perfetto: every byte is a field of the schema`,
	      Trace.encode(trace).finish().length === bytes.length);
	const packets = trace.packet;
	check(`${name}: perfetto: packets`, packets.length > 0);
	check(`${name}: perfetto: every packet on sequence 1`,
	      packets.every((p) => p.trustedPacketSequenceId === 1));
	check(`${name}: perfetto: first packet clears the sequence's state`,
	      packets.length && (packets[0].sequenceFlags & 1) === 1);

	const tracks = new Map(); // uuid -> descriptor
	const problems = [];
	let lastTs = 0, events = 0;
	const open = new Map(); // track -> stack of begin events
	const flows = new Map(); // id -> {n, term, afterTerm}
	const pfSlices = [], pfInstants = [], pfCounters = new Map();
	const processName = (t) => tracks.get(num(t.parentUuid))?.process.processName;
	for (const p of packets) {
		if (p.trackDescriptor) {
			const d = p.trackDescriptor, uuid = num(d.uuid);
			if (!uuid || tracks.has(uuid)) problems.push(`uuid ${uuid} missing or described twice`);
			const parent = num(d.parentUuid);
			if (d.process) {
				if (!d.process.processName || !d.process.pid) problems.push(`process ${uuid} unnamed`);
			} else if (!parent || !tracks.get(parent)?.process) {
				problems.push(`track ${uuid}'s parent ${parent} is no process described before`);
			} else if (d.thread && (d.thread.pid !== tracks.get(parent).process.pid || !d.thread.threadName)) {
				problems.push(`thread ${uuid}: pid ${d.thread.pid} not its process's, or no name`);
			} else if (!d.thread && (!d.counter || !d.name)) {
				problems.push(`track ${uuid} is neither thread nor named counter`);
			}
			tracks.set(uuid, d);
			continue;
		}
		const e = p.trackEvent;
		if (!e) { problems.push('a packet with neither descriptor nor event'); continue; }
		events++;
		const ts = num(p.timestamp), uuid = num(e.trackUuid), t = tracks.get(uuid);
		if (ts < lastTs) problems.push(`time goes back at event ${events}: ${ts} < ${lastTs}`);
		lastTs = ts;
		if (!t) { problems.push(`event ${events} on track ${uuid} not described before`); continue; }
		const where = `${t.thread?.pid ?? tracks.get(num(t.parentUuid))?.process.pid}/${t.thread?.tid}`;
		const fields = () => {
			const a = e.debugAnnotations.find((x) => x.name === 'fields');
			return JSON.stringify(a ? annotationValue(a) : null);
		};
		if (e.type === 1 || e.type === 2 || e.type === 3) {
			if (!t.thread) problems.push(`slice or instant on a non-thread track ${uuid}`);
		} else if (e.type === 4) {
			if (!t.counter) problems.push(`counter value on a non-counter track ${uuid}`);
			if (e.counterValue === undefined || e.counterValue === null ||
			    !Object.prototype.hasOwnProperty.call(e, 'counterValue'))
				problems.push(`counter event ${events} without a value`);
		} else {
			problems.push(`event ${events} of type ${e.type}`);
		}
		if (e.type === 1) {
			if (!open.has(uuid)) open.set(uuid, []);
			open.get(uuid).push({ name: e.name, fields: fields(), where });
		} else if (e.type === 2) {
			const b = open.get(uuid)?.pop();
			if (!b) problems.push(`slice end without a begin on track ${uuid}`);
			else pfSlices.push(`${b.where} ${b.name} end ${ts} ${b.fields}`);
		} else if (e.type === 3) {
			pfInstants.push(`${where} ${e.name} ${ts} ${fields()}`);
		} else if (e.type === 4) {
			const k = `${tracks.get(num(t.parentUuid)).process.pid} ${t.name}`;
			if (!pfCounters.has(k)) pfCounters.set(k, []);
			pfCounters.get(k).push([ts, num(e.counterValue)]);
		}
		for (const id of e.flowIds.map(num)) {
			const f = flows.get(id) || { n: 0, term: 0, afterTerm: 0 };
			if (f.term) f.afterTerm++;
			f.n++;
			flows.set(id, f);
		}
		for (const id of e.terminatingFlowIds.map(num)) {
			const f = flows.get(id) || { n: 0, term: 0, afterTerm: 0 };
			if (f.term) f.afterTerm++;
			f.n++;
			f.term++;
			flows.set(id, f);
		}
	}
	for (const [uuid, stack] of open)
		if (stack.length) problems.push(`${stack.length} slices left open on track ${uuid}`);
	for (const [id, f] of flows)
		if (f.n < 2 || f.term !== 1 || f.afterTerm)
			problems.push(`flow ${id}: ${f.n} events, ${f.term} terminating, ${f.afterTerm} after its end`);
	check(`${name}: perfetto: the format's rules`, problems.length === 0,
	      problems.slice(0, 5).join('; '));
	check(`${name}: perfetto: ioctls as slices = report's ioctls, decoded alike`,
	      !multisetDiff(refSlices, pfSlices), multisetDiff(refSlices, pfSlices));
	check(`${name}: perfetto: other events as instants = report's, decoded alike`,
	      !multisetDiff(refInstants, pfInstants), multisetDiff(refInstants, pfInstants));

	// counters: each line's samples are its line events; rates add up to the counts
	let levels = 0;
	const gsiOff = [];
	for (const [k, samples] of pfCounters) {
		if (k.endsWith(' level')) levels += samples.length;
		if (/ GSI \d+ level$/.test(k) && refGsi.get(k) !== samples.length)
			gsiOff.push(`${k}: ${samples.length} samples, ${refGsi.get(k)} set_irq`);
	}
	check(`${name}: perfetto: a level sample per line event`, levels === refLevels && !gsiOff.length,
	      `${levels} samples, ${refLevels} line events; ${gsiOff.slice(0, 3).join('; ')}`);
	const rateOff = [];
	for (const [k, n] of refKinds) {
		const samples = pfCounters.get(`${k} events/s`) || [];
		let total = 0;
		for (let i = 0; i + 1 < samples.length; i++)
			total += (samples[i][1] * (samples[i + 1][0] - samples[i][0])) / 1e9;
		if (Math.round(total) !== n || !samples.length || samples[samples.length - 1][1] !== 0)
			rateOff.push(`${k}: rates add up to ${total}, report counts ${n}`);
	}
	check(`${name}: perfetto: event rates add up to report's counts`, !rateOff.length,
	      rateOff.slice(0, 3).join('; '));

	// --- Chrome JSON: the raw events, then DevTools' model of them
	const json = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
	const te = json.traceEvents;
	const jsSlices = [], jsInstants = [];
	let lastJsTs = 0, backwards = 0;
	for (const e of te) {
		if (e.ph === 'M') continue;
		const ts = Math.round(e.ts * 1000);
		if (ts < lastJsTs) backwards++;
		lastJsTs = ts;
		if (e.ph === 'X')
			jsSlices.push(`${e.pid}/${e.tid} ${e.name} end ${ts + Math.round(e.dur * 1000)} ${JSON.stringify(e.args.fields)}`);
		else if (e.ph === 'i')
			jsInstants.push(`${e.pid}/${e.tid} ${e.name} ${ts} ${JSON.stringify(e.args.fields)}`);
	}
	check(`${name}: json: events in time order`, backwards === 0, `${backwards} go back`);
	check(`${name}: json: X events = report's ioctls`, !multisetDiff(refSlices, jsSlices),
	      multisetDiff(refSlices, jsSlices));
	check(`${name}: json: i events = report's other events`, !multisetDiff(refInstants, jsInstants),
	      multisetDiff(refInstants, jsInstants));

	let model;
	try {
		model = devtoolsModel(te);
	} catch (err) {
		check(`${name}: DevTools loads the JSON`, false, err.stack);
		return;
	}
	// What DevTools sees, per thread, against the Perfetto file's tracks.
	const seen = [], want = [];
	for (const p of model.sortedProcesses()) {
		for (const t of p.sortedThreads()) {
			const n = {};
			for (const e of t.events()) n[e.phase] = (n[e.phase] || 0) + 1;
			if (t.name())
				seen.push(`${p.name()} | ${t.name()}: X ${n.X || 0} i ${n.i || 0} flows ${(n.s || 0) + (n.t || 0) + (n.f || 0)}`);
			else
				seen.push(`${p.name()} | counters: C ${n.C || 0}`);
		}
	}
	const perTrack = new Map();
	for (const p of packets) {
		const e = p.trackEvent;
		if (!e) continue;
		const n = perTrack.get(num(e.trackUuid)) || { X: 0, i: 0, f: 0, C: 0 };
		if (e.type === 1) n.X++;
		if (e.type === 3) n.i++;
		if (e.type === 4) n.C++;
		n.f += e.flowIds.length + e.terminatingFlowIds.length;
		perTrack.set(num(e.trackUuid), n);
	}
	const counters = new Map();
	for (const [uuid, t] of tracks) {
		const n = perTrack.get(uuid) || { X: 0, i: 0, f: 0, C: 0 };
		if (t.thread)
			want.push(`${processName(t)} | ${t.thread.threadName}: X ${n.X} i ${n.i} flows ${n.f}`);
		else if (t.counter)
			counters.set(processName(t), (counters.get(processName(t)) || 0) + n.C);
	}
	for (const [p, c] of counters) want.push(`${p} | counters: C ${c}`);
	check(`${name}: DevTools' processes, threads and events = the Perfetto file's tracks`,
	      !multisetDiff(seen, want), multisetDiff(seen, want));
	check(`${name}: DevTools sees every process named`,
	      model.sortedProcesses().every((p) => p.name()) && model.sortedProcesses().length ===
	      [...tracks.values()].filter((t) => t.process).length);
}

for (let i = 0; i + 3 < triples.length; i += 4)
	checkRecording(triples[i], triples[i + 1], triples[i + 2], triples[i + 3]);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
