// `node --import mcp-lock-inspector/register server.js` (or `--require`): instruments an unmodified MCP server for
// the inspector the environment names, and does nothing without one. See installPreload.
import { installPreload } from './installPreload';

installPreload();
