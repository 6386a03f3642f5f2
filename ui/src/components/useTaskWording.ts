// Words a task in the person's language (see describeTask), with the country's lists for the
// names of documents and legal applications. Call from a component's setup.

import { computed } from "vue";
import { useI18n } from "vue-i18n";
import type { CountryCatalog } from "../api";
import { useFormat } from "../format";
import { describeTask } from "../tasks";
import type { TaskWording, TaskWords } from "../tasks";

export function useTaskWording(catalog: () => CountryCatalog | null) {
  const { t } = useI18n();
  const format = useFormat();
  const words = computed<TaskWords>(() => ({
    translate: (key, values) => t(key, values ?? {}),
    locale: format.locale.value,
    catalog: catalog(),
  }));
  return { describe: (task: TaskWording) => describeTask(task, words.value) };
}
