// The lock contract on the in-process map: fake timers drive every wait, nothing to settle.
import { ResourceLockMap } from '../../../extension/locks';
import { lockContractSuite } from '../../support/lockContractSuite';
import { installClock } from '../../support/lockTestKit';

lockContractSuite({
  name: 'in-process',
  create: async ({ timeoutMs, longHoldMs }) => new ResourceLockMap({ timeoutMs, longHoldMs }),
  dispose: async () => {},
  installClock,
  settle: async () => {},
  timersWhileBusy: 0,
  idleWaitTimers: 1,
});
