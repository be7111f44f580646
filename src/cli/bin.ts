#!/usr/bin/env node
// The only place that calls process.exit: everything else throws SessionjarError.
import { run } from './program.js';

process.exitCode = await run(process.argv);
