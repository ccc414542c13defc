/**
 * `yo legacy-mlops [directory]` (and `create-legacy-mlops` when it may ask): the Yeoman face of
 * CreateSession. It declares the options from the create rows of the option table and runs the session's phases as its own.
 */
import Generator, { type BaseFeatures, type BaseOptions } from 'yeoman-generator';
import type { Conversation } from './conversation.js';
import { CreateSession, type AppOptions } from './create-session.js';
import { yeomanOption } from '../../src/create/command-line.js';
import { optionsOf } from '../../src/create/option-table.js';
import { withoutTaskFailureLine } from './task-failure-line.js';

export { NEXT_COMMANDS, type AppOptions } from './create-session.js';

export default class LegacyMlopsGenerator extends Generator<Record<string, unknown>, BaseOptions & AppOptions> {
  private session!: CreateSession;

  constructor(args?: string[], options?: BaseOptions & AppOptions, features?: BaseFeatures) {
    // We run npm install ourselves, in the staging folder: yeoman's own install step stays off.
    super(args, options, { ...features, customInstallTask: true });
    (this as unknown as { log: Generator['log'] }).log = withoutTaskFailureLine(this.log);
    this.argument('directory', { type: String, required: false, description: 'folder to create the project in (default: the current folder)' });
    for (const option of optionsOf('create')) this.option(option.name, yeomanOption(option, 'create') as never);
  }

  // Instance fields, not prototype getters: Yeoman queues every prototype member not starting with `_` as a task.
  /** Said during the run (tests read them). */
  notes: readonly string[] = [];
  /** The prompts shown and answers taken (tests read `conversation.asked`). */
  conversation!: Conversation;

  initializing(): void {
    this.session = new CreateSession({
      options: this.options as AppOptions & Record<string, unknown>,
      contextRoot: this.contextRoot,
      prompt: (questions) => this.prompt(questions as never) as Promise<Record<string, unknown>>,
      log: (line) => this.log(line),
    });
    this.notes = this.session.notes;
    this.session.initializing();
    this.conversation = this.session.conversation;
  }

  async prompting(): Promise<void> {
    await this.session.prompting();
  }

  async writing(): Promise<void> {
    await this.session.writing();
  }

  end(): void {
    this.session.end();
  }
}
