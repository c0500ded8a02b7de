// `node --import mcp-lock-inspector/register server.js`: loads the instrumentation only when the environment names an
// inspector, so without one the preload is this file alone. See installPreload.
import { CHANNEL_ENV } from '../contract/wireFormat';

if (process.env[CHANNEL_ENV.address]) await import(new URL('./preloadActive.mjs', import.meta.url).href);
