#include <looppost/cli/app.hpp>

int main(int argc, char** argv) {
    return looppost::cli::run(argc, argv);
}
