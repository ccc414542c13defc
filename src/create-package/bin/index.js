#!/usr/bin/env node
// `npx create-legacy-mlops` / `npm init legacy-mlops`: runs the create-legacy-mlops bin of
// generator-legacy-mlops, the package that holds the generators (found through its package.json,
// the one file its exports map opens to other packages).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const manifestPath = require.resolve('generator-legacy-mlops/package.json');
const { bin } = require(manifestPath);
await import(pathToFileURL(join(dirname(manifestPath), bin['create-legacy-mlops'])).href);
