package io.raylite.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raylite.ActorHandle;
import io.raylite.Raylite;
import java.util.List;
import org.junit.jupiter.api.Test;

// The user guide's deterministic-runs snippet (docs/guide/testing.md), run as a test.
class ReadmeDeterministicExampleTest {
  // region deterministic-test
  public static class Account {
    private int balance;

    public int deposit(int amount) {                  // read and write in one call: nothing lost
      return balance += amount;
    }

    public int balance() {
      return balance;
    }
  }

  static int deposit(ActorHandle<Account> account, int amount) {
    return Raylite.current().get(account.task(Account::deposit, amount).remote());
  }

  @Test
  @RayliteTest(schedules = 200)                       // 200 seeds; a failure names its seed
  void concurrentDepositsAreNotLost(Raylite ray) {    // replay one with @RayliteTest(seed = 17)
    ActorHandle<Account> account = ray.actor(Account::new).remote();
    ray.get(List.of(ray.task(ReadmeDeterministicExampleTest::deposit, account, 10).remote(),
        ray.task(ReadmeDeterministicExampleTest::deposit, account, 5).remote()));
    assertEquals(15, ray.get(account.task(Account::balance).remote()));
    ray.kill(account);
  }
  // endregion deterministic-test
}
