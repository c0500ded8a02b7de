// The preload's working part, loaded by registerEsm / registerCjs once the environment names an inspector.
import { installPreload } from './installPreload';

installPreload();
