// jest's node environment, plus a safety net: a child process a test file started and did not stop
// (its afterAll never ran, or a failure skipped the stop) is killed when the file's environment
// tears down, so a failing run still ends instead of waiting forever on the child's pipes.
const childProcess = require('node:child_process');
const { TestEnvironment } = require('jest-environment-node');

const originalSpawn = childProcess.ChildProcess.prototype.spawn;

class NodeEnvironmentWithChildCleanup extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.children = new Set();
    this.testPath = context.testPath;
  }

  async setup() {
    await super.setup();
    const children = this.children;
    // Every asynchronous child (spawn, fork, exec, execFile) starts through ChildProcess#spawn.
    childProcess.ChildProcess.prototype.spawn = function spawnTracked(options) {
      const result = originalSpawn.call(this, options);
      children.add(this);
      this.once('exit', () => children.delete(this));
      return result;
    };
  }

  async teardown() {
    childProcess.ChildProcess.prototype.spawn = originalSpawn;
    for (const child of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      process.stderr.write(`jest: killing child process ${child.pid} (${child.spawnfile}) left running by ${this.testPath}\n`);
      child.kill('SIGKILL');
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.destroy();
    }
    this.children.clear();
    await super.teardown();
  }
}

module.exports = NodeEnvironmentWithChildCleanup;
