// The process's services, made once from classes imported from their own modules.
import { CounterStore } from './counterStore.js';

export const counters = new CounterStore();
