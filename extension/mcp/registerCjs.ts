// `node --require mcp-lock-inspector/register server.js`: loads the instrumentation only when the environment names an
// inspector, so without one the preload is this file alone. See installPreload.
import path from 'node:path';
import { CHANNEL_ENV } from '../contract/wireFormat';

if (process.env[CHANNEL_ENV.address]) require(path.join(__dirname, 'preloadActive.cjs'));
