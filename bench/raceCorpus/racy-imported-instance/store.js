// A module that keeps one store for the whole process and exports it.
async function work() {
  await new Promise((resolve) => setImmediate(resolve));
}
class Store {
  items = [];
  async add(item) {
    const items = this.items;
    await work();
    this.items = [...items, item];
    return this.items.length;
  }
}
export const store = new Store();
