// Two clients of one process taking turns (bench/pair-passes.mjs, bench/store-passes.mjs): the
// best pass of each counts, since on a busy machine the slower ones measure the machine.

/** Requests per second and CPU µs per request over `count` requests of `client`, `concurrency` at a time. */
export async function pass(client, count, concurrency) {
  let left = count;
  const loop = async () => {
    while (left > 0) {
      left -= 1;
      const status = await client.one();
      if (status !== 200) throw new Error(`HTTP ${status}`);
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rps: count / seconds, cpuUs: (cpu.user + cpu.system) / count };
}

/** One warm-up pass each, then `passes` each in alternating order; the best rate and CPU of each client. */
export async function bestOfTurns(clients, { count, concurrency, passes = 10 }) {
  const names = Object.keys(clients);
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) await pass(clients[name], count, concurrency);
  for (let i = 0; i < passes; i += 1) {
    for (const name of i % 2 ? [...names].reverse() : names) runs[name].push(await pass(clients[name], count, concurrency));
  }
  return Object.fromEntries(names.map((name) => [name, { rps: Math.max(...runs[name].map((r) => r.rps)), cpuUs: Math.min(...runs[name].map((r) => r.cpuUs)) }]));
}
