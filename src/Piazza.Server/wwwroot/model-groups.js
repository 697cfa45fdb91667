// Group conversations on the page ('@alice,bob,carol'): starting one from typed names. Methods of ChatModel, kept
// here so the model stays readable; conversation.js names a group ('bob, carol') and route.js addresses it.
import { groupName, keyOf } from './conversation.js';

/** ChatModel's group methods (`this` is the model). */
export const groupMethods = {
  /**
   * Starts the group conversation of us and `names` and opens it. Its id is a guess, as for a two-person one (a
   * guest's key is known only to the server): the ok of the first send or a message moves it to the real one.
   */
  startGroup(names) {
    const keys = [this.myKey, ...names.map(keyOf)];
    const key = `@${[...new Set(keys)].sort().join(',')}`;
    const conv = this.ensureConv(key);
    conv.peer = groupName(names, this.me);
    conv.name = `@${conv.peer}`;
    conv.loaded = true;
    return conv;
  },
};
