// A default-exported ledger: one balance per account in a Map.
async function audit() {
  await new Promise((resolve) => setImmediate(resolve));
}
export default class Ledger {
  balances = new Map();
  async deposit(account, amount) {
    const balance = this.balances.get(account) ?? 0;
    await audit();
    this.balances.set(account, balance + amount);
  }
}
