import { Queue } from "bullmq";

const reminders = new Queue("reminders", { connection: { host: "redis" } });

export async function scheduleAll(userIds: string[]): Promise<void> {
  for (const userId of userIds) {
    const jobs = await reminders.getJobs(["delayed"]);
    if (!jobs.some((j) => j.data.userId === userId)) {
      await reminders.add("remind", { userId }, { delay: 3600_000 });
    }
  }
}
